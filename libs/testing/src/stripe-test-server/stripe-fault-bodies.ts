/**
 * Bodies for the Stripe test server's reshaped answers: the objects as the ledger creates them
 * (its `paymentId` and `tenant` metadata, a card charge), in whatever state a test needs Stripe to
 * hold. Fields given here replace stripe-mock's; the rest of each object stays stripe-mock's own.
 */
import { listOf, type FaultAnswer, type JsonObject } from './stripe-fault-answers.js';

/** A card charge as an intent's expanded `latest_charge`: the card, and any deadline, come with it. */
export function visaCharge(createdS: number, card: JsonObject = {}): JsonObject {
  return {
    id: 'ch_faults',
    object: 'charge',
    created: createdS,
    payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034, ...card } },
  };
}

/** A PaymentIntent the ledger created for `paymentId` of `tenant`, created now, in the state given. */
export function ledgerIntent(id: string, paymentId: string, tenant: string, fields: JsonObject): JsonObject {
  const createdS = Math.floor(Date.now() / 1000);
  return { id, currency: 'cad', created: createdS, metadata: { paymentId, tenant }, latest_charge: visaCharge(createdS), payment_method: null, ...fields };
}

/** stripe-mock's list (or search) answer holding exactly these objects. */
export function listing(items: readonly JsonObject[], hasMore = false): FaultAnswer {
  return { kind: 'reshape', reshape: (body) => listOf(body, items, hasMore) };
}

/** stripe-mock's answer with these fields replaced (an intent in another status, say). */
export function reshaped(fields: JsonObject): FaultAnswer {
  return { kind: 'reshape', reshape: (body) => ({ ...body, currency: 'cad', ...fields }) };
}
