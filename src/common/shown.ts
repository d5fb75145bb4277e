/**
 * Text that came from data (a CSV cell, a header, an argument) made safe to print at a terminal: a control
 * character could clear the screen or set the window title, so each is shown as an escape (\x1b, \n, \t);
 * and a huge value is cut, saying how long it was, so that a 50 MB cell does not become 50 MB of messages.
 */

/** Longest value shown whole in a message. */
export const SHOWN_MAX = 200;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Control characters (line breaks too) as visible escapes; everything else as it is. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A value for a message: escaped, and cut after SHOWN_MAX characters with its length said. */
export function shown(value: string, max = SHOWN_MAX): string {
  const cut = value.length > max ? `${value.slice(0, max)}… (${value.length.toLocaleString('en-US')} characters)` : value;
  return escapeControls(cut);
}
