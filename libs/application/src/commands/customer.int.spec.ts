// Goal: customers are registered, cards go on and off file only as processor references, a
// refused card leaves no trace, and add-card links work once, for their own customer, until they
// expire. Method: the commands on the real write side (SQLite event store, sandbox processor,
// ManualClock, Nest command bus); assert the customer stream's events and the processor calls.
import { streamName } from '@ledger/domain';
import type { Caller } from '../command-contexts.js';
import { CommandTestbed } from './command-testbed.js';
import { ChargeBookingCommand } from './charge.commands.js';
import { CreateBookingCommand } from './booking.commands.js';
import {
  ExpireCardRequestCommand,
  FulfillCardRequestCommand,
  RegisterCustomerCommand,
  RemoveCardCommand,
  RequestCardCommand,
  SaveCardCommand,
} from './customer.commands.js';

describe('customers and cards on file', () => {
  let bed: CommandTestbed;
  let caller: Caller;
  let other: Caller;
  let customerId: string;

  beforeEach(async () => {
    bed = await CommandTestbed.start();
    caller = await bed.setUpTenant('sparkle-cleaning');
    other = await bed.setUpTenant('other-business');
    customerId = await bed.registerCustomer(caller);
  });
  afterEach(() => bed.dispose());

  const save = (paymentMethodToken: string, idempotencyKey?: string, as: Caller = caller) =>
    bed.execute(new SaveCardCommand(as, { customerId, paymentMethodToken, ...(idempotencyKey ? { idempotencyKey } : {}) }));
  const customerEvents = () => bed.eventTypes(streamName.customer(customerId));

  it('registers a customer, and refuses an address that is not an e-mail without recording anything', async () => {
    const [registered] = await bed.store.readStream(streamName.customer(customerId));
    expect(registered!.data).toEqual({ customerId, name: 'Ada Lovelace', email: 'ada@example.com', phone: null });
    expect(registered!.metadata.tenant).toBe('sparkle-cleaning');
    await expect(bed.execute(new RegisterCustomerCommand(caller, { name: 'Bob', email: 'bob at example' }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'email' },
    });
    expect(await bed.store.readAll({ filter: { streamCategories: ['customer'] } })).toHaveLength(1);
  });

  it('saves cards for one processor customer and shows only display data', async () => {
    const visa = await save('pm_card_visa');
    expect(visa).toEqual({ cardId: expect.any(String), brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 });
    await save('pm_card_mastercard');
    const customer = await bed.customer(caller, customerId);
    const cards = Object.values(customer.cards);
    expect(cards.map((card) => card.last4)).toEqual(['4242', '4444']);
    expect(new Set(cards.map((card) => card.processorCustomerId)).size).toBe(1);
    expect(bed.processorCalls.ensureCustomer).toBe(1);
    expect(JSON.stringify(await bed.store.readStream(streamName.customer(customerId)))).not.toContain('pm_card_visa');
  });

  it('saves once for a repeated idempotency key', async () => {
    const first = await save('pm_card_visa', 'save-1');
    expect(await save('pm_card_visa', 'save-1')).toEqual(first);
    expect(await customerEvents()).toEqual(['CustomerRegistered', 'CardSaved']);
    expect(bed.processorCalls.saveCard).toBe(1);
  });

  it('answers a declined card with CARD_DECLINED and the processor code, recording nothing', async () => {
    await expect(save('pm_card_chargeDeclined')).rejects.toMatchObject({
      code: 'CARD_DECLINED',
      details: { failureCode: 'card_declined', declineCode: 'generic_decline' },
    });
    expect(await customerEvents()).toEqual(['CustomerRegistered']);
  });

  it('answers a token the processor does not know with PROCESSOR_REJECTED, recording nothing', async () => {
    await expect(save('pm_made_up')).rejects.toMatchObject({ code: 'PROCESSOR_REJECTED', details: { processorCode: 'resource_missing' } });
    expect(await customerEvents()).toEqual(['CustomerRegistered']);
  });

  it('removes a card at the processor and on file, after which charging it fails with CARD_NOT_FOUND', async () => {
    const { cardId } = await save('pm_card_visa');
    await bed.execute(new RemoveCardCommand(caller, { customerId, cardId }));
    await bed.execute(new RemoveCardCommand(caller, { customerId, cardId }));
    expect(await customerEvents()).toEqual(['CustomerRegistered', 'CardSaved', 'CardRemoved']);
    expect(bed.processorCalls.removeCard).toBe(1);
    const booking = new CreateBookingCommand(caller, { customerId, description: 'Clean', amountMinor: 5_000, currency: 'CAD', serviceDate: '2026-12-01', source: 'PHONE' });
    const { bookingId } = await bed.execute(booking);
    await expect(bed.execute(new ChargeBookingCommand(caller, { bookingId, cardId, idempotencyKey: 'k1' }))).rejects.toMatchObject({ code: 'CARD_NOT_FOUND' });
    await expect(bed.execute(new RemoveCardCommand(caller, { customerId, cardId: 'no-such-card' }))).rejects.toMatchObject({ code: 'CARD_NOT_FOUND' });
  });

  it("gives another business's caller NOT_FOUND for this customer", async () => {
    await expect(save('pm_card_visa', undefined, other)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bed.execute(new RequestCardCommand(other, { customerId }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { cardId } = await save('pm_card_visa');
    await expect(bed.execute(new RemoveCardCommand(other, { customerId, cardId }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await customerEvents()).toEqual(['CustomerRegistered', 'CardSaved']);
  });

  describe('add-card links', () => {
    const fulfil = (token: string, paymentMethodToken = 'pm_card_visa') => bed.execute(new FulfillCardRequestCommand({ token, paymentMethodToken }));

    it('keeps only a hash of the token, which the customer then uses once to add a card', async () => {
      const request = await bed.execute(new RequestCardCommand(caller, { customerId }));
      expect(request.email).toBe('ada@example.com');
      expect(request.expiresAt).toBe('2026-11-29T10:00:00.000Z');
      expect(request.token.split('.')[1]).toHaveLength(43);
      const [, requested] = await bed.store.readStream(streamName.customer(customerId));
      expect(requested!.data).toMatchObject({ requestId: request.requestId, tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(JSON.stringify(requested)).not.toContain(request.token.split('.')[1]);

      const card = await fulfil(request.token);
      expect(card).toMatchObject({ brand: 'visa', last4: '4242' });
      expect(await fulfil(request.token)).toEqual(card);
      const events = await bed.store.readStream(streamName.customer(customerId));
      expect(events.map((e) => e.type)).toEqual(['CustomerRegistered', 'CardRequested', 'CardSaved', 'CardRequestFulfilled']);
      expect(events[3]!.metadata).toMatchObject({ tenant: 'sparkle-cleaning', actor: `CUSTOMER:${customerId}` });
      await expect(fulfil(request.token, 'pm_card_mastercard')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    });

    it('answers NOT_FOUND for a wrong, altered or malformed token', async () => {
      const { token } = await bed.execute(new RequestCardCommand(caller, { customerId, email: 'billing@example.com' }));
      const [readable, secret] = token.split('.') as [string, string];
      const flipped = `${readable}.${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
      const [, id, requestId] = JSON.parse(Buffer.from(readable, 'base64url').toString()) as string[];
      const otherTenant = `${Buffer.from(JSON.stringify(['other-business', id, requestId])).toString('base64url')}.${secret}`;
      for (const wrong of [flipped, otherTenant, 'garbage', `${readable}.`, '']) {
        await expect(fulfil(wrong)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      }
      expect(bed.processorCalls.saveCard ?? 0).toBe(0);
    });

    it('refuses an expired link before reaching the processor, and lets the timer close it', async () => {
      const { token, requestId } = await bed.execute(new RequestCardCommand(caller, { customerId }));
      const expire = () => bed.execute(new ExpireCardRequestCommand({ tenant: 'sparkle-cleaning', actor: { kind: 'SYSTEM', id: 'timer' } }, { customerId, requestId }));
      await expect(expire()).rejects.toMatchObject({ code: 'INVALID_STATE' });
      bed.clock.advance(7 * 24 * 60 * 60 * 1000);
      await expect(fulfil(token)).rejects.toMatchObject({ code: 'LINK_EXPIRED' });
      expect(bed.processorCalls.saveCard ?? 0).toBe(0);
      expect(await expire()).toEqual({ requestId, status: 'EXPIRED' });
      expect(await expire()).toEqual({ requestId, status: 'EXPIRED' });
      expect(await customerEvents()).toEqual(['CustomerRegistered', 'CardRequested', 'CardRequestExpired']);
    });
  });
});
