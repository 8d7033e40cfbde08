/**
 * What can be done with a hold (a pre-authorisation) from the API: take all or part of it, or
 * let it go.
 */
import { Command } from '@nestjs/cqrs';
import type { Caller } from '../command-contexts.js';
import type { HoldResult } from './holds.js';

export type { HoldResult } from './holds.js';

/** Without `amountMinor` the whole hold is taken; with less, the processor releases the rest. */
export class CapturePaymentCommand extends Command<HoldResult> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly paymentId: string; readonly amountMinor?: number; readonly idempotencyKey: string },
  ) {
    super();
  }
}

/** Releasing moves no money and a hold is released once, so the key is optional. */
export class ReleaseAuthorizationCommand extends Command<HoldResult> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly paymentId: string; readonly idempotencyKey?: string },
  ) {
    super();
  }
}
