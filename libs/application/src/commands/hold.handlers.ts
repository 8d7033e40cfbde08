/**
 * Handlers for captures and releases of holds. A capture moves money, so it always runs under
 * its idempotency key; a release without a key is named after the payment, because letting one
 * hold go has only one meaning and every repeat of it is the same command.
 */
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { CommandContexts } from '../command-contexts.js';
import { IdempotencyGuard } from '../idempotency.js';
import { deriveId } from '../ids.js';
import { CapturePaymentCommand, ReleaseAuthorizationCommand } from './hold.commands.js';
import { Holds } from './holds.js';
import type { HoldResult } from './holds.js';

@CommandHandler(CapturePaymentCommand)
export class CapturePaymentHandler implements ICommandHandler<CapturePaymentCommand, HoldResult> {
  constructor(
    private readonly guard: IdempotencyGuard,
    private readonly contexts: CommandContexts,
    private readonly holds: Holds,
  ) {}

  execute({ caller, input }: CapturePaymentCommand): Promise<HoldResult> {
    const request = { tenant: caller.tenant, key: input.idempotencyKey, commandType: 'CapturePayment', input };
    return this.guard.run(
      request,
      (commandId) => this.holds.capture(this.contexts.create(commandId, caller.tenant, caller.actor), input.paymentId, input.amountMinor),
      () => this.holds.checkCapture(caller.tenant, input.paymentId, input.amountMinor),
    );
  }
}

@CommandHandler(ReleaseAuthorizationCommand)
export class ReleaseAuthorizationHandler implements ICommandHandler<ReleaseAuthorizationCommand, HoldResult> {
  constructor(
    private readonly guard: IdempotencyGuard,
    private readonly contexts: CommandContexts,
    private readonly holds: Holds,
  ) {}

  execute({ caller, input }: ReleaseAuthorizationCommand): Promise<HoldResult> {
    const release = (commandId: string) => this.holds.release(this.contexts.create(commandId, caller.tenant, caller.actor), input.paymentId);
    if (input.idempotencyKey === undefined) return release(deriveId('release', caller.tenant, input.paymentId));
    const request = { tenant: caller.tenant, key: input.idempotencyKey, commandType: 'ReleaseAuthorization', input };
    return this.guard.run(request, release, () => this.holds.checkRelease(caller.tenant, input.paymentId));
  }
}

export const holdHandlers = [CapturePaymentHandler, ReleaseAuthorizationHandler];

export const holdServices = [Holds];
