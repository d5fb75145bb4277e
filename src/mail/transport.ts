/**
 * One pooled SMTP connection from an smtp:// or smtps:// URL (nodemailer), with errors a merchant can act
 * on; or, from a file:///DIR URL, a folder the messages are written to as .eml files (mail-dir.ts).
 */
import { fileURLToPath } from 'node:url';
import { MailError, ValidationError } from '../common/errors.js';
import type { Mailer } from './mailer.js';

export type { Mailer } from './mailer.js';

/**
 * "smtp://user:secret@host:25" -> "smtp://user:***@host:25": the URL as it may be printed anywhere. A
 * malformed one too: whatever comes before its last "@" after the first ":" of the user part is hidden.
 */
export function redactSmtpUrl(raw: string): string {
  const text = raw.trim();
  if (/^file:/i.test(text)) return text; // a folder: no password in it
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? '';
  const userinfo = text.slice(scheme.length, at);
  const colon = userinfo.indexOf(':');
  return colon < 0 ? text : `${scheme}${userinfo.slice(0, colon)}:***${text.slice(at)}`;
}

/**
 * A server's reply in one line, its code once: a multi-line reply ("550-5.1.1 No such user\n550 5.1.1 See
 * https://...") repeats the code (and enhanced code) on every line, and some servers repeat the code in the
 * text itself ("550 550 5.1.1 ..."); what stays is "550 5.1.1 No such user See https://...".
 */
export function oneLineReply(response: string): string {
  const lines = response.trim().split(/\r?\n/);
  const code = /^(\d{3})[ -]?/.exec(lines[0])?.[1];
  if (!code) return lines.map((l) => l.trim()).filter(Boolean).join(' ');
  const prefix = new RegExp(`^(?:${code}(?:[ -]|$))+`);
  const status = /^\d\.\d{1,3}\.\d{1,3}\b\s*/;
  const first = lines[0].replace(prefix, '');
  const enhanced = status.exec(first)?.[0].trim();
  const texts = lines.map((line, i) => {
    const text = line.trim().replace(prefix, '');
    return (i === 0 || !enhanced ? text : text.replace(status, '')).trim();
  });
  return [code, ...texts.filter(Boolean)].join(' ');
}

/** Describes a nodemailer / socket error in one line: the server's reply when there is one. */
export function describeSmtpError(error: unknown): string {
  const e = error as { code?: string; response?: string; responseCode?: number; message?: string };
  if (e.response) return oneLineReply(e.response);
  // nodemailer wraps socket errors (code ESOCKET); the system's code is in the message.
  const code = /\b(ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ECONNRESET)\b/.exec(e.message ?? '')?.[1] ?? e.code;
  if (code === 'ECONNRESET') return 'the server closed the connection';
  if (code === 'EAI_AGAIN') return 'the host name could not be looked up';
  if (code === 'ECONNREFUSED') return 'connection refused (is the server running, and is the port right?)';
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT') return 'the connection timed out';
  if (code === 'ENOTFOUND' || code === 'EDNS') return 'the host name was not found';
  if (code === 'EAUTH') return `authentication failed${e.response ? `: ${e.response}` : ''}`;
  return e.message ?? String(error);
}

const SMTP_URL_HELP = [
  'Expected smtp://user:password@host:port (STARTTLS) or smtps://user:password@host:port (TLS from the start), without a path or ?options.',
  'In the user name and password, write @ as %40, : as %3A, / as %2F and a space as %20.',
];

/** An smtp:// or smtps:// URL with a host and nothing after it, trimmed; anything else is a ValidationError (that never shows a password). */
export function checkSmtpUrl(raw: string): string {
  const url = raw.trim();
  const refuse = (why: string) => new ValidationError(`"${redactSmtpUrl(url)}" is not a usable SMTP URL: ${why}`, SMTP_URL_HELP);
  if (!/^smtps?:\/\//i.test(url)) throw refuse('it must start with smtp:// or smtps://');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse('it cannot be read as a URL (a character in the password to encode, or a port over 65535?)');
  }
  if (parsed.hostname === '') throw refuse('it names no host');
  if (/\s/.test(url)) throw refuse('it contains a space');
  if (parsed.pathname !== '' && parsed.pathname !== '/') throw refuse(`"${parsed.pathname}" after the host is not understood`);
  if (parsed.search !== '' || parsed.hash !== '') throw refuse('options after "?" or "#" are not supported');
  try {
    decodeURIComponent(parsed.username + parsed.password);
  } catch {
    throw refuse('a "%" in the user name or password is not followed by two hexadecimal digits');
  }
  return url;
}

const FILE_URL_HELP = ['A folder of .eml files is file:///absolute/path/to/folder (three slashes, then the path; a space as %20).'];

/** A mail URL: an SMTP one (checkSmtpUrl), or file:///DIR, a local folder where messages are written as .eml files. */
export function checkMailUrl(raw: string): string {
  if (!/^file:/i.test(raw.trim())) return checkSmtpUrl(raw);
  mailDirOf(raw);
  return raw.trim();
}

/** The folder of a file:///DIR URL; anything else is a ValidationError. */
export function mailDirOf(raw: string): string {
  const url = raw.trim();
  let dir: string;
  try {
    dir = fileURLToPath(url);
  } catch (error) {
    throw new ValidationError(`"${url}" is not a usable folder URL: ${(error as Error).message}`, FILE_URL_HELP);
  }
  if (/[?#]/.test(url)) throw new ValidationError(`"${url}" is not a usable folder URL: options after "?" or "#" are not supported`, FILE_URL_HELP);
  return dir;
}

/** 127.0.0.0/8, ::1 and localhost: this machine, where a password in clear does not cross a network. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

/**
 * Whether the connection must be made secure with STARTTLS before logging in: a user name over smtp://
 * (no TLS from the start) to another machine. Without that, nodemailer sends AUTH in clear to a server
 * that offers no STARTTLS.
 */
export function needsTls(raw: string): boolean {
  const url = new URL(checkSmtpUrl(raw));
  return url.protocol.toLowerCase() === 'smtp:' && url.username !== '' && !isLoopbackHost(url.hostname);
}

/** nodemailer's options for the URL, made here from the one URL reading that the checks above made. */
function transportOptions(url: string) {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? undefined : Number(parsed.port),
    secure: parsed.protocol.toLowerCase() === 'smtps:',
    auth: user === '' ? undefined : { user, pass: decodeURIComponent(parsed.password) },
    requireTLS: needsTls(url),
    pool: true,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

/** The server answered STARTTLS with an error (nodemailer's ETLS with a reply; a failed handshake has none). */
function refusedStartTls(error: unknown, options: { requireTLS: boolean }): boolean {
  const e = error as { code?: string; response?: string };
  return options.requireTLS && e.code === 'ETLS' && Boolean(e.response);
}

/** Why the server cannot be used, in a line that never holds the password. */
function describeOpenError(error: unknown, options: { requireTLS: boolean; auth?: { pass: string } }): string {
  const text = refusedStartTls(error, options)
    ? `the server offers no STARTTLS, and the password would go over the network in clear (server: ${String((error as { response: string }).response).trim()})`
    : describeSmtpError(error);
  // nodemailer's own messages should not hold it, but a password of a few characters is checked anyway.
  const pass = options.auth?.pass ?? '';
  return pass.length >= 4 ? text.split(pass).join('***') : text;
}

export async function openMailer(raw: string): Promise<Mailer> {
  if (/^file:/i.test(raw.trim())) {
    const { openMailDir } = await import('./mail-dir.js');
    return openMailDir(mailDirOf(raw));
  }
  const url = checkSmtpUrl(raw);
  const options = transportOptions(url);
  const nodemailer = (await import('nodemailer')).default;
  const transport = nodemailer.createTransport(options);
  try {
    await transport.verify();
  } catch (error) {
    transport.close();
    throw new MailError(`cannot use ${redactSmtpUrl(url)}: ${describeOpenError(error, options)}`, [
      ...(refusedStartTls(error, options) ? ['Use smtps:// (TLS from the start, usually port 465) or a server that offers STARTTLS; only a server on this machine may take a password without TLS.'] : []),
      'No login link was issued. Check --smtp (or CUSTOMERS_SMTP_URL, mail.smtp_url) and try again.',
    ]);
  }
  return {
    send: async (message) => {
      await transport.sendMail(message);
    },
    close: () => transport.close(),
  };
}
