/**
 * Data for the customer page tests, made through the command bus as the dashboard would: a
 * business with a connected (sandbox) processor account, a customer with two bookings by phone,
 * then a payment link or an add-card request, whose token is what the customer's e-mail carries.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ConnectStripeAccountCommand,
  CreateBookingCommand,
  CreateTenantCommand,
  ProjectorHost,
  RecordStripeAccountUpdateCommand,
  RegisterCustomerCommand,
  RequestCardCommand,
  SendPaymentLinkCommand,
} from '@ledger/application';
import type { Caller } from '@ledger/application';
import { EventStore } from '@ledger/event-store';
import { ReadStore } from '@ledger/read-store';

/** Markup in names and descriptions proves the pages show them as text. */
export const BUSINESS_NAME = 'Sparkle & Shine <Cleaning>';

export interface SeededCustomer {
  readonly caller: Caller;
  readonly customerId: string;
  /** Deep clean (125.00, 2026-11-20) and windows <b>front</b> (80.00, 2026-11-21). */
  readonly bookingIds: readonly [string, string];
}

export async function seedCustomer(app: INestApplicationContext, tenantId = 'sparkle'): Promise<SeededCustomer> {
  const bus = app.get(CommandBus);
  await bus.execute(new CreateTenantCommand({ tenantId, name: BUSINESS_NAME, currency: 'CAD', timeZone: 'America/Toronto' }));
  const caller: Caller = { tenant: tenantId, actor: { kind: 'API_KEY', id: 'test' } };
  const connected = await bus.execute(new ConnectStripeAccountCommand(caller, { returnUrl: 'http://localhost/settings' }));
  if (connected.state !== 'ACTIVE') {
    // With Stripe, the account becomes able to charge when its `account.updated` webhook says so.
    await bus.execute(new RecordStripeAccountUpdateCommand({ tenantId, accountId: connected.accountId, chargesEnabled: true, detailsSubmitted: true }));
  }
  const { customerId } = await bus.execute(new RegisterCustomerCommand(caller, { name: 'Ada Lovelace', email: 'ada@example.com' }));
  const booking = (description: string, amountMinor: number, serviceDate: string, key: string) =>
    bus.execute(new CreateBookingCommand(caller, { customerId, description, amountMinor, currency: 'CAD', serviceDate, source: 'PHONE', idempotencyKey: key }));
  const first = await booking('Deep clean', 12_500, '2026-11-20', `${tenantId}-b1`);
  const second = await booking('Windows <b>front</b>', 8_000, '2026-11-21', `${tenantId}-b2`);
  return { caller, customerId, bookingIds: [first.bookingId, second.bookingId] };
}

export async function sendPaymentLink(app: INestApplicationContext, seeded: SeededCustomer): Promise<{ token: string; linkId: string }> {
  const sent = await app.get(CommandBus).execute(new SendPaymentLinkCommand(seeded.caller, { customerId: seeded.customerId }));
  return { token: sent.token!, linkId: sent.linkId! };
}

export async function requestCard(app: INestApplicationContext, seeded: SeededCustomer): Promise<{ token: string; requestId: string }> {
  const requested = await app.get(CommandBus).execute(new RequestCardCommand(seeded.caller, { customerId: seeded.customerId }));
  return { token: requested.token, requestId: requested.requestId };
}

/** Waits until every read model has applied everything recorded so far. */
export async function readModels(app: INestApplicationContext): Promise<ReadStore> {
  const head = await app.get(EventStore).headPosition();
  if (head !== undefined) await app.get(ProjectorHost).caughtUpTo(head);
  return app.get(ReadStore);
}

export interface BookingRead {
  readonly paymentStatus: string;
  readonly balance: { readonly amountMinor: number };
}

export interface CustomerRead {
  readonly cards: readonly { readonly brand: string; readonly last4: string }[];
}
