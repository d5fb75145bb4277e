/**
 * Values from programs, checked for their JavaScript type before anything is written: a wrong type is a
 * ValidationError (code INVALID) naming the value, never a TypeError from deep inside, never a value coerced
 * into something else ({} stored as "[object Object]", "false" read as true, "vip" as the tags v, i, p).
 */
import { ValidationError } from '../common/errors.js';
import { fieldNamed } from '../core/fields.js';
import type { CustomerRef } from './types.js';

const shown = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value);

/** An options or query object (undefined: none). */
export function objectOf<T extends object>(value: T | undefined | null, what: string): T | Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError(`${what} is an object, not ${shown(value)}`);
  return value;
}

export function textOf(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new ValidationError(`${what} is text, not ${shown(value)}`);
  return value;
}

export function optionalText(value: unknown, what: string): string | undefined {
  return value === undefined ? undefined : textOf(value, what);
}

export function optionalFlag(value: unknown, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ValidationError(`${what} is true or false, not ${shown(value)}`);
  return value;
}

export function textList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new ValidationError(`${what} is a list of text, not ${shown(value)}`);
  return value;
}

/** A customer's id (a whole number) or e-mail, as the CLI's REF. */
export function refOf(ref: unknown): string {
  if (typeof ref === 'number' && Number.isSafeInteger(ref) && ref > 0) return String(ref);
  if (typeof ref === 'string') return ref;
  throw new ValidationError(`a customer is named by its id (a whole number) or its e-mail, not ${shown(ref)}`);
}

/** Customer fields to add or update: each value of its field's type (text or null, true/false, a list of tags). */
export function fieldsOf<T extends object>(fields: T, what = 'the fields'): T {
  objectOf(fields, what);
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (name === 'add_tags' || name === 'remove_tags') {
      textList(value, name);
      continue;
    }
    const type = fieldNamed(name)?.type;
    if (type === 'tags') textList(value, name);
    else if (type === 'bool') optionalFlag(value, name);
    else if (type !== undefined && value !== null && typeof value !== 'string') throw new ValidationError(`${name} is text (or null to clear it), not ${shown(value)}`);
  }
  return fields;
}

export type { CustomerRef };
