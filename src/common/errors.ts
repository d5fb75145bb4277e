/**
 * Typed errors, shared by every layer: store/ and mail/ throw them as core/ does. Only the CLI turns them
 * into exit codes (src/cli/main.ts); the message is the one line a user reads, `details` the lines after it.
 * Core throws NotFoundError, ConflictError, ValidationError and StoreError; whether a ValidationError came
 * from a command-line value (a usage error, exit 2) is for the CLI to say.
 */
export class CustomersError extends Error {
  readonly details: string[];
  /** What kind of error, for a program to test (`error.code === 'NOT_FOUND'`); each class has its own. */
  readonly code: ErrorCode = 'ERROR';
  constructor(message: string, details: string[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/**
 * The codes of the library's errors (and of `customers serve`'s error bodies): one per class, and one per
 * reason a login link cannot be used.
 */
export type ErrorCode =
  | 'ERROR' | 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'STORE' | 'USAGE' | 'CANCELLED' | 'MAIL'
  | 'LINK_UNKNOWN' | 'LINK_EXPIRED' | 'LINK_USED' | 'LINK_REVOKED';

/** A REF, group, key, file or store that does not exist (exit 1). */
export class NotFoundError extends CustomersError {
  override readonly code: ErrorCode = 'NOT_FOUND';
}

/** The change would break a uniqueness rule, e.g. a duplicate e-mail (exit 1). */
export class ConflictError extends CustomersError {
  override readonly code: ErrorCode = 'CONFLICT';
}

/** A value that cannot be stored or used as given (exit 1 for data, exit 2 when it came from a flag). */
export class ValidationError extends CustomersError {
  override readonly code: ErrorCode = 'INVALID';
}

/** The store file cannot be used: not SQLite, written by a newer version, broken (exit 1). */
export class StoreError extends CustomersError {
  override readonly code: ErrorCode = 'STORE';
}

/** The command line itself is wrong: bad flag value, missing selection, confirmation needed (exit 2). */
export class UsageError extends CustomersError {
  override readonly code: ErrorCode = 'USAGE';
}

/** The user said no, or pressed Ctrl-C (exit 130). */
export class CancelledError extends CustomersError {
  override readonly code: ErrorCode = 'CANCELLED';
}

/** Some e-mails could not be sent (exit 1); which ones was reported as it happened. */
export class MailError extends CustomersError {
  override readonly code: ErrorCode = 'MAIL';
}
