/** One pooled SMTP connection from an smtp:// or smtps:// URL (nodemailer), with errors a merchant can act on. */
import { MailError, ValidationError } from '../common/errors.js';

export interface Mailer {
  send(message: { from: string; to: string; subject: string; text: string; html: string }): Promise<void>;
  close(): void;
}

/** "smtp://user:secret@host:25" -> "smtp://host:25": never print credentials. */
export function safeSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the SMTP server';
  }
}

/** Describes a nodemailer / socket error in one line: the server's reply when there is one. */
export function describeSmtpError(error: unknown): string {
  const e = error as { code?: string; response?: string; responseCode?: number; message?: string };
  if (e.response) return e.response.trim();
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

/** An smtp:// or smtps:// URL with a host, trimmed; anything else is a ValidationError (that never shows a password). */
export function checkSmtpUrl(raw: string): string {
  const url = raw.trim();
  if (!/^smtps?:\/\/[^/\s]+/i.test(url)) throw new ValidationError(`"${safeSmtpUrl(url)}" is not an SMTP URL (expected smtp://host:port or smtps://host:port)`);
  return url;
}

export async function openMailer(raw: string): Promise<Mailer> {
  const url = checkSmtpUrl(raw);
  const nodemailer = (await import('nodemailer')).default;
  const transport = nodemailer.createTransport(`${url}${url.includes('?') ? '&' : '?'}pool=true`, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  try {
    await transport.verify();
  } catch (error) {
    transport.close();
    throw new MailError(`cannot use ${safeSmtpUrl(url)}: ${describeSmtpError(error)}`, ['No login link was issued. Check --smtp (or CUSTOMERS_SMTP_URL, mail.smtp_url) and try again.']);
  }
  return {
    send: async (message) => {
      await transport.sendMail(message);
    },
    close: () => transport.close(),
  };
}
