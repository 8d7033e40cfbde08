/**
 * Every resolver argument passes here before a resolver sees it. GraphQL lets a client send an
 * explicit `null` for an optional argument or input field; nothing in the ledger gives null a
 * meaning of its own (no input "clears" a value), so null means what leaving the field out means,
 * and the handlers only ever meet `undefined`. Then class-validator checks the shape, naming
 * every field at fault (VALIDATION_FAILED).
 */
import { ValidationPipe } from '@nestjs/common';
import type { ArgumentMetadata } from '@nestjs/common';
import { validationFailed } from './errors.js';

/** A copy without null-valued fields, at any depth of input objects; list items are kept as sent. */
export function withoutNulls(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return (value as unknown[]).map((item) => (item !== null && typeof item === 'object' ? withoutNulls(item) : item));
  if (typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => (item === null ? [] : [[key, withoutNulls(item)]])));
}

export class InputPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidUnknownValues: false, exceptionFactory: validationFailed, transform: false });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return super.transform(withoutNulls(value), metadata) as Promise<unknown>;
  }
}
