/**
 * What the webhook e2e specs share: an API on the sandbox with a signing secret, a tenant with a
 * connected (sandbox) account and a booking, signed posts of Stripe event bodies, and reads of
 * the payment stream and the read models once the projector has caught up.
 */
import { CommandBus } from '@nestjs/cqrs';
import Stripe from 'stripe';
import { randomUUID } from 'node:crypto';
import {
  ChargeBookingCommand,
  ConnectStripeAccountCommand,
  CreateBookingCommand,
  CreateTenantCommand,
  DecisionRunner,
  IdempotencyGuard,
  PaymentSettlement,
  ProcessorIndex,
  ProjectorHost,
  RegisterCustomerCommand,
  STRIPE_WEBHOOK_KEY_SPACE,
} from '@ledger/application';
import type { Caller } from '@ledger/application';
import { streamName, tenantDecider } from '@ledger/domain';
import type { CommandContext, TenantCommand } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { ReadStore } from '@ledger/read-store';
import type { TestApi } from '../testing/test-api.js';

export const WEBHOOK_SECRET = 'whsec_test';

export interface PostResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export async function postSigned(api: TestApi, body: unknown, secret = WEBHOOK_SECRET): Promise<PostResult> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return post(api, payload, { 'stripe-signature': signature });
}

export async function post(api: TestApi, payload: string, headers: Record<string, string> = {}): Promise<PostResult> {
  const response = await fetch(`${api.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: payload,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export interface Business {
  readonly caller: Caller;
  readonly accountId: string;
  readonly customerId: string;
}

export async function seedBusiness(api: TestApi, tenantId: string): Promise<Business> {
  const bus = api.app.get(CommandBus);
  await bus.execute(new CreateTenantCommand({ tenantId, name: `Business ${tenantId}`, currency: 'CAD', timeZone: 'America/Toronto' }));
  const caller: Caller = { tenant: tenantId, actor: { kind: 'API_KEY', id: `key-${tenantId}` } };
  const { accountId } = await bus.execute(new ConnectStripeAccountCommand(caller, { returnUrl: 'http://localhost:3000/settings' }));
  const { customerId } = await bus.execute(new RegisterCustomerCommand(caller, { name: 'Ada Lovelace', email: 'ada@example.com' }));
  return { caller, accountId, customerId };
}

export async function seedBooking(api: TestApi, business: Business, amountMinor = 10_000): Promise<string> {
  const input = { customerId: business.customerId, description: 'Deep clean', amountMinor, currency: 'CAD', serviceDate: '2026-11-20', source: 'PHONE' as const };
  const { bookingId } = await api.app.get(CommandBus).execute(new CreateBookingCommand(business.caller, { ...input, idempotencyKey: randomUUID() }));
  return bookingId;
}

/**
 * A card payment whose intent and reservations are recorded but whose outcome is not: what the
 * ledger holds when it died after calling the processor, or while a pay page confirms in the browser.
 */
export async function seedOpenPayment(api: TestApi, business: Business, bookingId: string, amountMinor = 10_000, capture: 'AUTOMATIC' | 'MANUAL' = 'AUTOMATIC'): Promise<string> {
  const paymentId = randomUUID();
  const context: CommandContext = { commandId: randomUUID(), tenant: business.caller.tenant, actor: business.caller.actor, now: new Date().toISOString() };
  const amount = { amountMinor, currency: 'CAD' };
  const settlement = api.app.get(PaymentSettlement);
  const allocations = [{ bookingId, amount }];
  await settlement.initiate(context, {
    paymentId,
    customerId: business.customerId,
    allocations,
    amount,
    method: 'ONE_TIME_CARD',
    capture,
    saveCard: false,
    idempotencyKey: context.commandId,
    chargesEnabled: true,
  });
  await settlement.reserve(context, paymentId, allocations);
  return paymentId;
}

/** A booking paid by card through the ledger, its charge indexed so refunds and disputes find it. */
export async function seedChargedPayment(api: TestApi, business: Business): Promise<{ bookingId: string; paymentId: string; processorPaymentId: string }> {
  const bookingId = await seedBooking(api, business);
  const input = { bookingId, paymentMethodToken: 'pm_card_visa', idempotencyKey: `charge-${bookingId}` };
  const { paymentId } = await api.app.get(CommandBus).execute(new ChargeBookingCommand(business.caller, input));
  const processorPaymentId = await processorPaymentIdOf(api, paymentId);
  await indexed(api, processorPaymentId);
  return { bookingId, paymentId, processorPaymentId };
}

/**
 * The business moves to another connected account, as after its first one was restricted: the
 * first stops taking charges, the new one is connected and becomes active. Its earlier payments
 * stay on the first account.
 */
export async function switchAccount(api: TestApi, business: Business, to: string): Promise<void> {
  const tenantId = business.caller.tenant;
  const runner = api.app.get(DecisionRunner);
  const context = (): CommandContext => ({ commandId: randomUUID(), tenant: tenantId, actor: business.caller.actor, now: new Date().toISOString() });
  const decide = (command: TenantCommand) => runner.decide(streamName.tenant(tenantId), tenantDecider, command);
  await decide({ type: 'UpdateStripeAccount', data: { tenantId, accountId: business.accountId, chargesEnabled: false, state: 'PENDING' }, context: context() });
  await decide({ type: 'StartStripeConnect', data: { tenantId, accountId: to }, context: context() });
  await decide({ type: 'UpdateStripeAccount', data: { tenantId, accountId: to, chargesEnabled: true, state: 'ACTIVE' }, context: context() });
}

/** The outcome recorded under a Stripe event id, if any: what every redelivery of it answers. */
export async function recordedOutcome(api: TestApi, eventId: string): Promise<unknown> {
  const commandId = api.app.get(IdempotencyGuard).commandIdFor(STRIPE_WEBHOOK_KEY_SPACE, eventId);
  const events = await api.app.get(EventStore).readStream(`idempotency-${commandId}`);
  return (events.find((event) => event.type === 'IdempotentCommandCompleted')?.data as { result?: unknown } | undefined)?.result;
}

export async function eventTypes(api: TestApi, stream: string): Promise<string[]> {
  return (await api.app.get(EventStore).readStream(stream)).map((event) => event.type);
}

export async function processorPaymentIdOf(api: TestApi, paymentId: string): Promise<string> {
  const events = await api.app.get(EventStore).readStream(`payment-${paymentId}`);
  const outcome = events.find((event) => event.type === 'Charged' || event.type === 'PaymentAuthorized');
  return (outcome!.data as { processorPaymentId: string }).processorPaymentId;
}

/** Waits until the processor index knows the payment: it follows the log, a moment behind. */
export async function indexed(api: TestApi, processorPaymentId: string): Promise<void> {
  const index = api.app.get(ProcessorIndex);
  for (let tries = 0; !(await index.payment(processorPaymentId)); tries++) {
    if (tries > 200) throw new Error(`${processorPaymentId} was never indexed`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function readModel<D>(api: TestApi, collection: string, key: string): Promise<D | undefined> {
  const head = await api.app.get(EventStore).headPosition();
  await api.app.get(ProjectorHost).caughtUpTo(head!);
  return api.app.get(ReadStore).get<D>(collection, key);
}
