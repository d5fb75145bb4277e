/**
 * Text that came from data (a CSV cell, a header, an argument) made safe to print at a terminal: a control
 * character could clear the screen or set the window title, a bidirectional override could show text in
 * another order than it has, so each is shown as an escape (\x1b, \n, \t, \u202e);
 * and a huge value is cut, saying how long it was, so that a 50 MB cell does not become 50 MB of messages.
 */

/** Longest value shown whole in a message. */
export const SHOWN_MAX = 200;

/**
 * Control characters, and the Unicode controls that reorder what follows them (bidirectional embeddings,
 * overrides and isolates: "Trojan Source"), or break a line where a terminal does not expect it.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Characters that show as nothing: zero-width spaces and joiners, the word joiner and invisible operators, a
 * byte-order mark, a soft hyphen, bidirectional marks and controls. Where they make two names that look the
 * same (tags, group names) they are refused, and the message shows them. Elsewhere they stay as they are:
 * joiners are part of writing in some scripts.
 */
export const INVISIBLE = /[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const CONTROL_OR_INVISIBLE = new RegExp(`${CONTROL.source}|${INVISIBLE.source}`, 'g');

function escaped(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
}

/** Those characters (line breaks too) as visible escapes (\x1b, \u202e); everything else as it is. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, escaped);
}

/** Control characters and those that show as nothing (\u200b, \xad) as visible escapes: for a message about one. */
export function escapeInvisible(text: string): string {
  return text.replace(CONTROL_OR_INVISIBLE, escaped);
}

/** A value for a message: escaped, and cut after SHOWN_MAX characters with its length said. */
export function shown(value: string, max = SHOWN_MAX): string {
  const cut = value.length > max ? `${value.slice(0, max)}… (${value.length.toLocaleString('en-US')} characters)` : value;
  return escapeControls(cut);
}

/**
 * A value as a POSIX shell reads it back, for commands a message suggests: left as it is when it holds only
 * characters no shell treats specially, else in single quotes (a quote inside as '\'').
 */
export function shellQuoted(value: string): string {
  if (/^[\p{L}\p{N}@%+=:,./_-]+$/u.test(value)) return value;
  return `'${value.replace(/'/g, "'\\''")}'`;
}
