/**
 * SANDBOX card processor: the embedded default when no Stripe key is configured. It moves no
 * real money. It behaves like Stripe's test mode for Stripe's documented test tokens
 * (`pm_card_visa`, `pm_card_chargeDeclined`, ...), remembers everything in its own SQLite file,
 * and keeps Stripe's idempotency promise across restarts. It refuses to start in production.
 */
import { GatewayRequestError } from '../payment-gateway.errors.js';
import { PaymentGateway } from '../payment-gateway.port.js';
import type {
  CancelOutcome,
  CancelPaymentInput,
  CaptureOutcome,
  CapturePaymentInput,
  ConnectOnboarding,
  ConnectOnboardingInput,
  CreatePaymentInput,
  EnsureCustomerInput,
  GatewayCall,
  LookupPaymentInput,
  PaymentOutcome,
  RefundInput,
  RefundResult,
  RemoveCardInput,
  SaveCardInput,
  SaveCardOutcome,
} from '../payment-gateway.types.js';
import { sandboxCard } from './sandbox-cards.js';
import { runOnce, sandboxId } from './sandbox-idempotency.js';
import { CREATE_PAYMENT_OPERATION, lookupSandboxPayment } from './sandbox-lookup.js';
import {
  cancelSandboxPayment,
  captureSandboxPayment,
  createSandboxPayment,
  refundSandboxPayment,
} from './sandbox-payments.js';
import { SandboxStore } from './sandbox-store.js';

/**
 * The sandbox's time source. Structural, so the application's Clock fits without this adapter
 * library depending on the application layer above it.
 */
export interface SandboxClock {
  now(): Date;
}

export interface SandboxPaymentGatewayOptions {
  /** The sandbox's own SQLite file (not the event store's); `':memory:'` for throw-away tests. */
  readonly file: string;
  readonly clock: SandboxClock;
}

export class SandboxPaymentGateway extends PaymentGateway {
  private readonly store: SandboxStore;
  private readonly clock: SandboxClock;

  constructor(options: SandboxPaymentGatewayOptions) {
    super();
    if (process.env.NODE_ENV === 'production') {
      throw new Error(
        'SandboxPaymentGateway refuses to run with NODE_ENV=production: it is a simulated card processor that ' +
          'moves no real money. Configure STRIPE_SECRET_KEY to take real payments.',
      );
    }
    this.clock = options.clock;
    this.store = new SandboxStore(options.file);
  }

  ensureCustomer(input: EnsureCustomerInput): Promise<{ processorCustomerId: string }> {
    return this.once('customers.create', input, (now) => {
      const processorCustomerId = sandboxId('cus', input.idempotencyKey);
      this.store.insertCustomer(processorCustomerId, input.customerId, input.email ?? null, input.name ?? null, now);
      return { processorCustomerId };
    });
  }

  saveCard(input: SaveCardInput): Promise<SaveCardOutcome> {
    return this.once('setup_intents.create', input, (now): SaveCardOutcome => {
      const card = sandboxCard(input.paymentMethodToken);
      if (!card)
        throw new GatewayRequestError(
          'resource_missing',
          `No such PaymentMethod: '${input.paymentMethodToken}'`,
          'payment_method',
        );
      if (!this.store.customerExists(input.processorCustomerId)) {
        throw new GatewayRequestError(
          'resource_missing',
          `No such customer: '${input.processorCustomerId}'`,
          'customer',
        );
      }
      if (card.declineOnSave) {
        const { failureCode, declineCode, message } = card.declineOnSave;
        return { status: 'failed', failureCode, message, ...(declineCode ? { declineCode } : {}) };
      }
      const processorPaymentMethodId = sandboxId('pm', input.idempotencyKey);
      const row = {
        id: processorPaymentMethodId,
        customerId: input.processorCustomerId,
        token: input.paymentMethodToken,
      };
      this.store.insertPaymentMethod({ ...row, card: card.display, attached: true }, now);
      const processorCustomerId = input.processorCustomerId;
      return { status: 'saved', card: { processorPaymentMethodId, processorCustomerId, ...card.display } };
    });
  }

  removeCard(input: RemoveCardInput): Promise<{ processorPaymentMethodId: string }> {
    return this.once('payment_methods.detach', input, () => {
      const id = input.processorPaymentMethodId;
      const method = this.store.findPaymentMethod(id);
      if (!method)
        throw new GatewayRequestError('resource_missing', `No such PaymentMethod: '${id}'`, 'payment_method');
      if (!method.attached) {
        throw new GatewayRequestError(
          'payment_method_unexpected_state',
          `PaymentMethod '${id}' is not attached to a customer`,
        );
      }
      this.store.detachPaymentMethod(id);
      return { processorPaymentMethodId: id };
    });
  }

  createPayment(input: CreatePaymentInput): Promise<PaymentOutcome> {
    return this.once(CREATE_PAYMENT_OPERATION, input, (_now, at) => createSandboxPayment(this.store, input, at));
  }

  /**
   * The creation answer recorded under the key, updated with the payment's current state: a
   * captured hold reads as `succeeded` with the captured amount, a released or lapsed one as
   * failed `payment_canceled`. A key never used gives `undefined` and stays unused. The store is
   * read consistently, so that `undefined` is the proof of absence the port asks for.
   */
  lookupPayment(input: LookupPaymentInput): Promise<PaymentOutcome | undefined> {
    return settled(() => lookupSandboxPayment(this.store, input, this.clock.now()));
  }

  capturePayment(input: CapturePaymentInput): Promise<CaptureOutcome> {
    return this.once('payment_intents.capture', input, (_now, at) => captureSandboxPayment(this.store, input, at));
  }

  cancelPayment(input: CancelPaymentInput): Promise<CancelOutcome> {
    return this.once('payment_intents.cancel', input, () => cancelSandboxPayment(this.store, input.processorPaymentId));
  }

  refund(input: RefundInput): Promise<RefundResult> {
    return this.once('refunds.create', input, (_now, at) => refundSandboxPayment(this.store, input, at));
  }

  startConnectOnboarding(input: ConnectOnboardingInput): Promise<ConnectOnboarding> {
    return this.once('accounts.onboard', input, (now) => {
      const returnUrl = parseUrl(input.returnUrl, 'return_url');
      parseUrl(input.refreshUrl, 'refresh_url');
      const accountId = input.existingAccountId ?? sandboxId('acct', input.idempotencyKey);
      this.store.upsertConnectedAccount(accountId, input.tenantId, now);
      // There is nothing to onboard in the sandbox, so "onboarding" sends the user straight back.
      returnUrl.searchParams.set('sandbox_account', accountId);
      return { accountId, onboardingUrl: returnUrl.toString() };
    });
  }

  /** Closes the file; a new instance on the same file continues where this one stopped. */
  close(): void {
    this.store.close();
  }

  /**
   * Runs one processor operation exactly once per idempotency key. The account is left out of
   * the fingerprint because the sandbox has a single, simulated, processor account.
   */
  private once<T>(
    operation: string,
    input: Pick<GatewayCall, 'idempotencyKey'> & Partial<GatewayCall>,
    execute: (nowIso: string, now: Date) => T,
  ): Promise<T> {
    const { idempotencyKey, account: _account, ...params } = input;
    return settled(() => {
      const now = this.clock.now();
      const recordedAt = now.toISOString();
      return runOnce(this.store, { operation, idempotencyKey, params, recordedAt }, () => execute(recordedAt, now));
    });
  }
}

/** Runs synchronous sandbox work as the port's promise, so a refusal is a rejection, not a throw. */
function settled<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function parseUrl(value: string, param: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new GatewayRequestError('url_invalid', `${param} must be an absolute URL`, param);
  }
}
