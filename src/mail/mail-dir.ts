/**
 * A "mailer" that writes each message as an .eml file in a folder instead of sending it: CI and a shop's
 * test suite read the login links back from the files, with no mail server. The file is the message
 * nodemailer would have sent over SMTP (its stream transport builds it, with CRLF line ends), written
 * under a temporary name and then linked into place, so that a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MailError, ValidationError } from '../common/errors.js';
import { describeFsError } from '../common/fs-errors.js';
import type { Mailer } from './mailer.js';

const HELP = 'No login link was issued. Give --mail-dir (or file:///DIR) a folder this user can write to; it is created if missing.';

/** The folder, created if missing (created is then true); a file in its place or a folder that cannot be written is refused. */
function prepareDir(dir: string): { created: boolean } {
  let created = false;
  try {
    if (!statSync(dir).isDirectory()) throw new ValidationError(`cannot write e-mails to ${dir}: it is a file, not a folder`, [HELP]);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') {
      if (error instanceof ValidationError) throw error;
      throw new MailError(`cannot write e-mails to ${dir}: ${describeFsError(error)}`, [HELP]);
    }
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      created = true;
    } catch (mkdirError) {
      throw new MailError(`cannot create the folder ${dir} for e-mails: ${describeFsError(mkdirError)}`, [HELP]);
    }
  }
  // Write access is tried for real: permission bits say nothing of a read-only mount or of root.
  const probe = join(dir, `.customers-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(probe, '', { mode: 0o600 });
    unlinkSync(probe);
  } catch (error) {
    throw new MailError(`cannot write e-mails to ${dir}: ${describeFsError(error)}`, [HELP]);
  }
  return { created };
}

/**
 * "20260301T100000Z-000042-alice_example.com.eml": the time of sending, the link's id (unique in the store,
 * so many messages in one second keep apart) and the recipient, with every character that some file
 * system refuses or a shell would read (anything but letters, digits, ".", "_" and "-") made "_".
 */
export function emlFileName(at: Date, id: number, to: string): string {
  const stamp = at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  const who = to.toLowerCase().replace(/[^a-z0-9._-]/g, '_').replace(/^[.]+/, '').slice(0, 80) || 'recipient';
  return `${stamp}-${String(id).padStart(6, '0')}-${who}.eml`;
}

/**
 * Puts the finished temporary file in place under `name`, never over another file (a second store writing
 * to the same folder in the same second): a hard link fails when the name is taken, and then "-2", "-3",
 * ... is tried. Where hard links are not supported, a rename to a free name.
 */
function placeFile(dir: string, temp: string, name: string): string {
  for (let n = 1; ; n++) {
    const target = join(dir, n === 1 ? name : name.replace(/\.eml$/, `-${n}.eml`));
    try {
      linkSync(temp, target);
      unlinkSync(temp);
      return target;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
      if (existsSync(target)) continue;
      renameSync(temp, target);
      return target;
    }
  }
}

/** A mailer writing .eml files into dir (created if missing), checked before any link is issued. */
export async function openMailDir(rawDir: string): Promise<Mailer> {
  const dir = resolve(rawDir);
  const { created } = prepareDir(dir);
  const nodemailer = (await import('nodemailer')).default;
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    dir,
    createdDir: created ? dir : undefined,
    send: async (message, label) => {
      const info = await transport.sendMail({ ...message, date: label.at });
      const name = emlFileName(label.at, label.id, message.to);
      // A dot-name no reader of *.eml picks up; 0600: the message holds a login token.
      const temp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      try {
        writeFileSync(temp, info.message as Buffer, { mode: 0o600 });
        placeFile(dir, temp, name);
      } catch (error) {
        if (existsSync(temp)) unlinkSync(temp);
        throw new Error(`cannot write ${join(dir, name)}: ${describeFsError(error)}`);
      }
    },
    close: () => transport.close(),
  };
}
