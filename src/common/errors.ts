/**
 * Typed errors, shared by every layer: store/ and mail/ throw them as core/ does. Only the CLI turns them
 * into exit codes (src/cli/main.ts); the message is the one line a user reads, `details` the lines after it.
 * Core throws NotFoundError, ConflictError, ValidationError and StoreError; whether a ValidationError came
 * from a command-line value (a usage error, exit 2) is for the CLI to say.
 */
export class CustomersError extends Error {
  readonly details: string[];
  constructor(message: string, details: string[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** A REF, group, key, file or store that does not exist (exit 1). */
export class NotFoundError extends CustomersError {}

/** The change would break a uniqueness rule, e.g. a duplicate e-mail (exit 1). */
export class ConflictError extends CustomersError {}

/** A value that cannot be stored or used as given (exit 1 for data, exit 2 when it came from a flag). */
export class ValidationError extends CustomersError {}

/** The store file cannot be used: not SQLite, written by a newer version, broken (exit 1). */
export class StoreError extends CustomersError {}

/** The command line itself is wrong: bad flag value, missing selection, confirmation needed (exit 2). */
export class UsageError extends CustomersError {}

/** The user said no, or pressed Ctrl-C (exit 130). */
export class CancelledError extends CustomersError {}

/** Some e-mails could not be sent (exit 1); which ones was reported as it happened. */
export class MailError extends CustomersError {}

/**
 * Text as a message may show it: control characters (a tab, U+001F, an escape) written as `\x1f` and line
 * breaks as `\n`, so that a value never breaks, hides or recolours the line that names it.
 */
export function escapeControls(text: string, options: { keepLineBreaks?: boolean } = {}): string {
  const controls = options.keepLineBreaks ? /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g : /[\u0000-\u001f\u007f-\u009f]/g;
  return text.replace(controls, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
