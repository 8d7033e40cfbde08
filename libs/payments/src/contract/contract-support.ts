/**
 * What the payment gateway contract needs from an adapter's spec, and the shape assertions every
 * adapter's answers must pass. Shapes are checked exactly (no unknown keys), because the ledger
 * records these objects in events and an unexpected field would leak into the log.
 */
import { randomUUID } from 'node:crypto';
import type { PaymentGateway } from '../payment-gateway.port.js';
import type {
  CancelOutcome,
  CaptureOutcome,
  CardDetails,
  CardDisplay,
  FailedOutcome,
  Money,
  PaymentOutcome,
  ProcessorAccount,
  RefundResult,
  SaveCardOutcome,
} from '../payment-gateway.types.js';

/**
 * A clock the tests move by hand. It satisfies `Clock` from `@ledger/application` structurally,
 * so the contract needs no runtime import of the application layer.
 */
export class TestClock {
  private currentMs: number;

  constructor(start: string) {
    this.currentMs = Date.parse(start);
  }

  now(): Date {
    return new Date(this.currentMs);
  }

  advance(ms: number): void {
    this.currentMs += ms;
  }
}

export interface GatewayFixture {
  readonly gateway: PaymentGateway;
  /** Present when the adapter reads time from a clock the test can move. */
  readonly clock?: TestClock;
}

export interface PaymentGatewayContractTarget {
  readonly capabilities: {
    /** The adapter remembers what happened, so behaviour (not only shapes) can be asserted. */
    readonly stateful: boolean;
    /** The fixture carries a `TestClock` that the adapter reads, so expiry can be tested. */
    readonly controllableClock: boolean;
  };
  open(): Promise<GatewayFixture>;
  close(fixture: GatewayFixture): Promise<void>;
}

export const platform: ProcessorAccount = {};
export const connected: ProcessorAccount = { accountId: 'acct_1ContractConnected' };

export function cad(amountMinor: number): Money {
  return { amountMinor, currency: 'CAD' };
}

/** A fresh idempotency key; the label makes a failing test's requests easy to find in logs. */
export function freshKey(label: string): string {
  return `contract-${label}-${randomUUID()}`;
}

// Jest's asymmetric matchers are typed `any`; held as `unknown` they cannot leak into typed code.
export const anyString: unknown = expect.any(String);
export const anyNumber: unknown = expect.any(Number);
export function matching(pattern: RegExp): unknown {
  return expect.stringMatching(pattern);
}

const money = { amountMinor: anyNumber, currency: matching(/^[A-Z]{3}$/) };
const cardDisplay = {
  brand: anyString,
  last4: matching(/^\d{4}$/),
  expMonth: anyNumber,
  expYear: anyNumber,
};
const cardDetails = {
  processorPaymentMethodId: matching(/^pm_/),
  processorCustomerId: matching(/^cus_/),
  ...cardDisplay,
};

function expectExactly(
  value: unknown,
  required: Record<string, unknown>,
  optional: Record<string, unknown> = {},
): void {
  const present = Object.fromEntries(
    Object.entries(optional).filter(([name]) => (value as Record<string, unknown>)[name] !== undefined),
  );
  expect(value).toEqual({ ...required, ...present });
}

function expectIsoInstant(value: string): void {
  expect(new Date(value).toISOString()).toBe(value);
}

function expectFailure(outcome: FailedOutcome, processorPaymentIdMatcher: unknown = matching(/^pi_/)): void {
  expectExactly(
    outcome,
    { status: 'failed', failureCode: anyString, message: anyString },
    { processorPaymentId: processorPaymentIdMatcher, declineCode: anyString },
  );
}

export function expectPaymentOutcome(outcome: PaymentOutcome): void {
  const id = matching(/^pi_/);
  switch (outcome.status) {
    case 'succeeded':
      expectExactly(
        outcome,
        { status: 'succeeded', processorPaymentId: id, amountCaptured: money, card: cardDisplay },
        { savedCard: cardDetails },
      );
      break;
    case 'requires_capture':
      expectExactly(
        outcome,
        {
          status: 'requires_capture',
          processorPaymentId: id,
          amountAuthorized: money,
          captureBefore: anyString,
          card: cardDisplay,
        },
        { savedCard: cardDetails },
      );
      expectIsoInstant(outcome.captureBefore);
      break;
    case 'failed':
      expectFailure(outcome);
      break;
    default:
      throw new Error(`Unknown payment outcome ${JSON.stringify(outcome)}`);
  }
}

export function expectSaveCardOutcome(outcome: SaveCardOutcome): void {
  if (outcome.status === 'saved') expectExactly(outcome, { status: 'saved', card: cardDetails });
  else expectFailure(outcome, undefined);
}

/** A capture or a release answers the hold's state: captured, let go, or a refusal. */
export function expectHoldOutcome(outcome: CaptureOutcome | CancelOutcome): void {
  const id = matching(/^pi_/);
  if (outcome.status === 'succeeded')
    expectExactly(outcome, { status: 'succeeded', processorPaymentId: id, amountCaptured: money });
  else if (outcome.status === 'canceled') expectExactly(outcome, { status: 'canceled', processorPaymentId: id });
  else expectFailure(outcome);
}

export function expectRefundResult(result: RefundResult): void {
  expectExactly(
    result,
    { processorRefundId: matching(/^re_/), status: matching(/^(succeeded|pending|failed)$/), amount: money },
    { failureCode: anyString },
  );
}

export function expectCardDisplay(card: CardDisplay | CardDetails, brand: string, last4: string): void {
  expect(card).toMatchObject({ brand, last4 });
}

/** The id a contract test charges or captures next; a stateless target may not report one. */
export function paymentIdOf(outcome: PaymentOutcome): string {
  if (outcome.processorPaymentId === undefined) throw new Error(`No payment id in ${JSON.stringify(outcome)}`);
  return outcome.processorPaymentId;
}
