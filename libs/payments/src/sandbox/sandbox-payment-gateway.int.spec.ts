// Goal: show that the sandbox processor keeps the PaymentGateway contract and the promises only
// an embedded processor must keep itself: it survives a restart with its payments and
// idempotency keys, moves money once under concurrency, and refuses to run in production.
// Method: the shared contract plus sandbox-only cases, each on a real SQLite file in a fresh
// temporary directory, with a hand-moved clock so that hold expiry is tested without waiting.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paymentGatewayContract, TestClock, type GatewayFixture } from '../contract/payment-gateway.contract.js';
import { IdempotencyConflictError } from '../payment-gateway.errors.js';
import type { CreatePaymentInput } from '../payment-gateway.types.js';
import { SandboxPaymentGateway } from './sandbox-payment-gateway.adapter.js';

const START = '2030-01-15T10:00:00.000Z';
const directories = new Map<GatewayFixture, string>();

paymentGatewayContract('sandbox (SQLite file)', {
  capabilities: { stateful: true, controllableClock: true },
  open() {
    const directory = mkdtempSync(join(tmpdir(), 'ledger-sandbox-gateway-'));
    const clock = new TestClock(START);
    const fixture = { gateway: new SandboxPaymentGateway({ file: join(directory, 'sandbox.db'), clock }), clock };
    directories.set(fixture, directory);
    return Promise.resolve(fixture);
  },
  close(fixture) {
    (fixture.gateway as SandboxPaymentGateway).close();
    rmSync(directories.get(fixture) ?? '', { recursive: true, force: true });
    directories.delete(fixture);
    return Promise.resolve();
  },
});

describe('SandboxPaymentGateway', () => {
  let directory: string;
  let file: string;
  const clock = new TestClock(START);
  const open = (): SandboxPaymentGateway => new SandboxPaymentGateway({ file, clock });
  const hold: CreatePaymentInput = {
    account: {},
    amount: { amountMinor: 5000, currency: 'CAD' },
    capture: 'manual',
    source: { kind: 'token', paymentMethodToken: 'pm_card_visa' },
    idempotencyKey: 'command-7f1c:authorize',
  };
  const rows = (table: 'payments' | 'payment_methods' | 'idempotency'): number => {
    const db = new Database(file, { readonly: true });
    try {
      return Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'ledger-sandbox-gateway-'));
    file = join(directory, 'nested', 'sandbox.db');
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('remembers payments and idempotency keys across a restart', async () => {
    const before = open();
    const first = await before.createPayment(hold);
    before.close();

    const after = open();
    try {
      expect(await after.createPayment(hold)).toEqual(first);
      await expect(
        after.createPayment({ ...hold, amount: { amountMinor: 5001, currency: 'CAD' } }),
      ).rejects.toBeInstanceOf(IdempotencyConflictError);
      const captured = await after.capturePayment({
        account: {},
        processorPaymentId: first.processorPaymentId ?? '',
        idempotencyKey: 'command-81aa:capture',
      });
      expect(captured).toMatchObject({ status: 'succeeded', amountCaptured: { amountMinor: 5000, currency: 'CAD' } });
    } finally {
      after.close();
    }
    expect(rows('payments')).toBe(1);
  });

  it('finds a payment again after a restart, and writes nothing when looking up a key never sent', async () => {
    const paid = { ...hold, metadata: { paymentId: 'payment-7f1c' } };
    const lookup = { account: {}, paymentId: 'payment-7f1c', idempotencyKey: hold.idempotencyKey };
    const before = open();
    expect(await before.lookupPayment(lookup)).toBeUndefined();
    expect(rows('idempotency')).toBe(0);
    expect(rows('payments')).toBe(0);
    const first = await before.createPayment(paid);
    before.close();

    const after = open();
    try {
      expect(await after.lookupPayment(lookup)).toEqual(first);
    } finally {
      after.close();
    }
    expect(rows('idempotency')).toBe(1);
  });

  it('refuses a lookup whose key was used for another payment or another operation', async () => {
    const gateway = open();
    try {
      const first = await gateway.createPayment({ ...hold, metadata: { paymentId: 'payment-1' } });
      const other = { account: {}, paymentId: 'payment-2', idempotencyKey: hold.idempotencyKey };
      // Reading a key of another payment as "never received" could release money that moved.
      await expect(gateway.lookupPayment(other)).rejects.toBeInstanceOf(IdempotencyConflictError);
      const processorPaymentId = first.processorPaymentId ?? '';
      const refundKey = 'command-9d2e:refund';
      await gateway.capturePayment({ account: {}, processorPaymentId, idempotencyKey: 'command-9d2e:capture' });
      await gateway.refund({ account: {}, processorPaymentId, amountMinor: 100, idempotencyKey: refundKey });
      const lookup = { account: {}, paymentId: 'payment-1', idempotencyKey: refundKey };
      await expect(gateway.lookupPayment(lookup)).rejects.toBeInstanceOf(IdempotencyConflictError);
    } finally {
      gateway.close();
    }
  });

  it('records one payment for twenty concurrent requests with one key', async () => {
    const gateway = open();
    try {
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => gateway.createPayment(hold)));
      expect(new Set(outcomes.map((o) => o.processorPaymentId)).size).toBe(1);
    } finally {
      gateway.close();
    }
    expect(rows('payments')).toBe(1);
  });

  it('stores no payment method for a one-time card, nor for a declined card that was to be saved', async () => {
    const gateway = open();
    try {
      const key = 'command-3b9e:customer';
      const { processorCustomerId } = await gateway.ensureCustomer({
        account: {},
        customerId: 'c-1',
        idempotencyKey: key,
      });
      await gateway.createPayment({ ...hold, idempotencyKey: 'one-time' });
      const declined = {
        kind: 'token',
        paymentMethodToken: 'pm_card_chargeDeclined',
        saveFor: processorCustomerId,
      } as const;
      await gateway.createPayment({ ...hold, source: declined, idempotencyKey: 'declined-save' });
    } finally {
      gateway.close();
    }
    expect(rows('payments')).toBe(2);
    expect(rows('payment_methods')).toBe(0);
  });

  it('derives Stripe-like ids from the idempotency key, so a replay after a crash has the same id', async () => {
    const gateway = open();
    try {
      const outcome = await gateway.createPayment(hold);
      expect(outcome.processorPaymentId).toMatch(/^pi_sandbox_[0-9a-f]{24}$/);
    } finally {
      gateway.close();
    }
    const elsewhere = new SandboxPaymentGateway({ file: ':memory:', clock });
    try {
      expect((await elsewhere.createPayment(hold)).processorPaymentId).toMatch(/^pi_sandbox_/);
    } finally {
      elsewhere.close();
    }
  });

  it('gives every sandbox card the documented expiry 12/2034', async () => {
    const gateway = new SandboxPaymentGateway({ file: ':memory:', clock });
    try {
      const outcome = await gateway.createPayment({ ...hold, capture: 'automatic' });
      expect(outcome).toMatchObject({ card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 } });
    } finally {
      gateway.close();
    }
  });

  it('sends the user straight back from "onboarding", naming the sandbox account', async () => {
    const gateway = new SandboxPaymentGateway({ file: ':memory:', clock });
    try {
      const returnUrl = 'https://ledger.example.com/settings/stripe?step=done';
      const result = await gateway.startConnectOnboarding({
        tenantId: 't-1',
        returnUrl,
        refreshUrl: returnUrl,
        idempotencyKey: 'k-connect',
      });
      expect(new URL(result.onboardingUrl).searchParams.get('sandbox_account')).toBe(result.accountId);
      expect(result.onboardingUrl.startsWith('https://ledger.example.com/settings/stripe?step=done&')).toBe(true);
    } finally {
      gateway.close();
    }
  });

  it('leaves a SQLite file of another program untouched', () => {
    const db = new Database(join(directory, 'foreign.db'));
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    expect(() => new SandboxPaymentGateway({ file: join(directory, 'foreign.db'), clock })).toThrow(
      /not a sandbox payment processor file/,
    );
  });

  it('refuses a file that is not SQLite', () => {
    writeFileSync(join(directory, 'text.db'), 'not a database, just text that is long enough to have a header');
    expect(() => new SandboxPaymentGateway({ file: join(directory, 'text.db'), clock })).toThrow();
  });

  it('refuses to run in production', () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => new SandboxPaymentGateway({ file: ':memory:', clock })).toThrow(
        /refuses to run with NODE_ENV=production/,
      );
    } finally {
      process.env.NODE_ENV = previous;
    }
  });
});
