/**
 * What to do with a card given with a booking, decided from the business's charge timing before
 * anything is recorded: charge the full amount, hold it, or only keep the card on file.
 */
import { DomainError } from '@ledger/domain';
import type { CaptureMode, Tenant } from '@ledger/domain';
import { requireCardProcessor } from '../cards/card-vault.js';
import type { CardChoice } from '../payments/card-payments.js';
import type { CreateBookingInput } from './booking.commands.js';

export type CardStep =
  | { readonly kind: 'pay'; readonly capture: CaptureMode; readonly card: CardChoice }
  | { readonly kind: 'save'; readonly paymentMethodToken: string };

export function cardStepFor(tenant: Tenant, input: CreateBookingInput): CardStep | undefined {
  const { paymentMethodToken, saveCard } = input;
  if (saveCard !== undefined && typeof saveCard !== 'boolean') {
    throw new DomainError('VALIDATION_FAILED', 'saveCard must be a boolean', { field: 'saveCard' });
  }
  if (paymentMethodToken === undefined) {
    if (saveCard === true) {
      throw new DomainError('VALIDATION_FAILED', 'saveCard needs a card given with the booking (paymentMethodToken)', { field: 'saveCard' });
    }
    return undefined;
  }
  requireCardProcessor(tenant);
  const timing = tenant.settings.chargeTiming;
  if (timing === 'AFTER_SERVICE' || timing === 'MANUAL') {
    // Under these timings a card given at booking is only ever kept for later; refusing to keep
    // it would leave nothing to do with it, which is better said than silently ignored.
    if (saveCard === false) {
      throw new DomainError('VALIDATION_FAILED', `With charge timing ${timing} a card given at booking is kept on file; saveCard cannot be false`, {
        field: 'saveCard',
      });
    }
    return { kind: 'save', paymentMethodToken };
  }
  // A customer booking online keeps the card unless they said no; staff entering a card by phone
  // or by hand keep it only when asked to.
  const keep = input.source === 'ONLINE' ? saveCard !== false : saveCard === true;
  const card: CardChoice = { method: keep ? 'NEW_CARD' : 'ONE_TIME_CARD', paymentMethodToken };
  return { kind: 'pay', capture: timing === 'AT_BOOKING' ? 'AUTOMATIC' : 'MANUAL', card };
}
