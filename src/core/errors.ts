/**
 * Typed errors thrown by core and store code. The CLI maps each kind to one exit code
 * (see src/cli/main.ts); the message is the one line a user reads, `details` the lines after it.
 */
export class CustomersError extends Error {
  readonly details: string[];
  constructor(message: string, details: string[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** A REF, group, key or store that does not exist (exit 1). */
export class NotFoundError extends CustomersError {}

/** The change would break a uniqueness rule, e.g. a duplicate e-mail (exit 1). */
export class ConflictError extends CustomersError {}

/** A value that cannot be stored as given (exit 1 for data, exit 2 when it came from a flag). */
export class ValidationError extends CustomersError {}

/** The store file cannot be used: not SQLite, written by a newer version, broken (exit 1). */
export class StoreError extends CustomersError {}

/** The command line itself is wrong: bad flag value, missing selection, confirmation needed (exit 2). */
export class UsageError extends CustomersError {}

/** The user said no, or pressed Ctrl-C (exit 130). */
export class CancelledError extends CustomersError {}
