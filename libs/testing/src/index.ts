export { decider, stateAfter } from './decider-spec.js';
export type { DeciderSpec, DeciderThen, DeciderWhen } from './decider-spec.js';
export { commandContext, commandsOf } from './command-context.js';
export { cad } from './fixtures/money.fixtures.js';
export * as bookingGiven from './fixtures/booking.fixtures.js';
export * as paymentGiven from './fixtures/payment.fixtures.js';
export * as stripeEvents from './fixtures/stripe-events.fixtures.js';
