/**
 * The production card processor: Stripe, through the official `stripe` package, in the pinned API
 * version. Each port call is one Stripe request (two for Connect onboarding), a mutating one always
 * with the caller's idempotency key, and always on behalf of the connected account it names. When
 * an answer cannot be trusted to tell what happened (a 5xx, which Stripe replays for 24 hours
 * under the same key, or a hold met in another state), the outcome is read back through
 * strongly consistent reads (StripeConsistentReads) instead.
 */
import type Stripe from 'stripe';
import { PaymentGateway } from '../payment-gateway.port.js';
import type {
  CancelOutcome,
  CancelPaymentInput,
  CaptureOutcome,
  CardDisplay,
  CapturePaymentInput,
  ConnectOnboarding,
  ConnectOnboardingInput,
  CreatePaymentInput,
  EnsureCustomerInput,
  FailedOutcome,
  GatewayCall,
  LookupPaymentInput,
  PaymentOutcome,
  ProcessorAccount,
  RefundInput,
  RefundResult,
  RemoveCardInput,
  SaveCardInput,
  SaveCardOutcome,
} from '../payment-gateway.types.js';
import { assertLookupPaymentInput, assertMoney, assertPositiveMinorUnits } from '../payment-gateway.validation.js';
import { stripeClient, type StripePaymentGatewayOptions } from './stripe-client.js';
import { intentQueryOf, StripeConsistentReads } from './stripe-consistent-reads.js';
import { declineOf, isServerError, refusalOf, rethrow } from './stripe-errors.js';
import { StripeLostAnswers } from './stripe-lost-answers.js';
import {
  cancelOutcomeOf,
  captureOutcomeOf,
  cardOfIntent,
  cardOfPaymentMethod,
  paymentOutcomeOf,
  refundResultOf,
  saveCardOutcomeOf,
  savedForOf,
} from './stripe-mapping.js';
import { paymentIntentParams } from './stripe-params.js';
import { accountOptions, requestOptions } from './stripe-requests.js';

export type { StripePaymentGatewayOptions } from './stripe-client.js';
export type { StripeRequestRecord } from './stripe-requests.js';

/** Capture and cancel refusals that the port reports as failed outcomes rather than exceptions. */
const paymentStateRefusals: ReadonlySet<string> = new Set([
  'amount_too_large',
  'charge_expired_for_capture',
  'capture_charge_authorization_expired',
  'payment_intent_unexpected_state',
]);

export class StripePaymentGateway extends PaymentGateway {
  private readonly stripe: Stripe;
  private readonly reads: StripeConsistentReads;
  private readonly lost: StripeLostAnswers;
  private readonly connectAccountType: 'standard' | 'express';

  constructor(options: StripePaymentGatewayOptions) {
    super();
    this.stripe = stripeClient(options);
    this.reads = new StripeConsistentReads(this.stripe, options.lookupMaxPages ?? 20);
    this.lost = new StripeLostAnswers(this.reads, (account, intent, saveFor) => this.outcomeOf(account, intent, saveFor));
    this.connectAccountType = options.connectAccountType ?? 'standard';
  }

  async ensureCustomer(input: EnsureCustomerInput): Promise<{ processorCustomerId: string }> {
    const params: Stripe.CustomerCreateParams = {
      metadata: { ledgerCustomerId: input.customerId },
      ...(input.email ? { email: input.email } : {}),
      ...(input.name ? { name: input.name } : {}),
    };
    try {
      const customer = await this.stripe.customers.create(params, requestOptions(input));
      return { processorCustomerId: customer.id };
    } catch (error) {
      return rethrow(error, input);
    }
  }

  async saveCard(input: SaveCardInput): Promise<SaveCardOutcome> {
    const params: Stripe.SetupIntentCreateParams = {
      customer: input.processorCustomerId,
      payment_method: input.paymentMethodToken,
      confirm: true,
      usage: 'off_session',
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      expand: ['payment_method'],
    };
    try {
      const setupIntent = await this.stripe.setupIntents.create(params, requestOptions(input));
      const method = await this.paymentMethodOf(input.account, setupIntent.payment_method);
      return saveCardOutcomeOf(setupIntent, method, input.processorCustomerId);
    } catch (error) {
      const decline = declineOf(error);
      if (!decline) return rethrow(error, input);
      // A card that fails verification has no payment to point at.
      const { processorPaymentId: _none, ...failure } = decline;
      return failure;
    }
  }

  async removeCard(input: RemoveCardInput): Promise<{ processorPaymentMethodId: string }> {
    try {
      const method = await this.stripe.paymentMethods.detach(input.processorPaymentMethodId, {}, requestOptions(input));
      return { processorPaymentMethodId: method.id };
    } catch (error) {
      return rethrow(error, input);
    }
  }

  async createPayment(input: CreatePaymentInput): Promise<PaymentOutcome> {
    assertMoney(input.amount);
    try {
      const intent = await this.stripe.paymentIntents.create(paymentIntentParams(input), requestOptions(input));
      return await this.outcomeOf(input.account, intent, input.source.kind === 'token' ? input.source.saveFor : undefined);
    } catch (error) {
      const decline = declineOf(error);
      if (decline) return decline;
      return isServerError(error) ? this.lost.createdDespite(input, error) : rethrow(error, input);
    }
  }

  /**
   * Lists the PaymentIntents created since the intent was recorded and picks the one carrying the
   * payment's metadata: a strongly consistent read, so `undefined` proves Stripe never received it.
   * A window too large to read in full throws `GatewayUnavailableError`: nothing is proven.
   */
  async lookupPayment(input: LookupPaymentInput): Promise<PaymentOutcome | undefined> {
    assertLookupPaymentInput(input);
    try {
      const intent = await this.reads.findIntent(intentQueryOf(input));
      return intent && (await this.outcomeOf(input.account, intent, savedForOf(intent)));
    } catch (error) {
      return rethrow(error, input);
    }
  }

  async capturePayment(input: CapturePaymentInput): Promise<CaptureOutcome> {
    if (input.amountMinor !== undefined) assertPositiveMinorUnits(input.amountMinor, 'amount_to_capture');
    const params: Stripe.PaymentIntentCaptureParams =
      input.amountMinor === undefined ? {} : { amount_to_capture: input.amountMinor };
    try {
      const intent = await this.stripe.paymentIntents.capture(input.processorPaymentId, params, requestOptions(input));
      return captureOutcomeOf(intent);
    } catch (error) {
      return (await this.lost.settledHold(error, input)) ?? this.refusedOrRethrow(error, input);
    }
  }

  async cancelPayment(input: CancelPaymentInput): Promise<CancelOutcome> {
    try {
      const intent = await this.stripe.paymentIntents.cancel(input.processorPaymentId, {}, requestOptions(input));
      return cancelOutcomeOf(intent);
    } catch (error) {
      return (await this.lost.settledHold(error, input)) ?? this.refusedOrRethrow(error, input);
    }
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    assertPositiveMinorUnits(input.amountMinor, 'amount');
    const params: Stripe.RefundCreateParams = {
      payment_intent: input.processorPaymentId,
      amount: input.amountMinor,
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.metadata ? { metadata: { ...input.metadata } } : {}),
    };
    try {
      return refundResultOf(await this.stripe.refunds.create(params, requestOptions(input)));
    } catch (error) {
      return this.lost.refundedDespite(input, error);
    }
  }

  async startConnectOnboarding(input: ConnectOnboardingInput): Promise<ConnectOnboarding> {
    // Both requests are made by the platform itself, never on behalf of the connected account;
    // each gets its own key derived from the caller's, so a replay repeats both exactly.
    const platform = { account: {}, idempotencyKey: input.idempotencyKey };
    try {
      const accountId = input.existingAccountId ?? (await this.createConnectedAccount(input.tenantId, platform)).id;
      const link = await this.stripe.accountLinks.create(
        { account: accountId, type: 'account_onboarding', return_url: input.returnUrl, refresh_url: input.refreshUrl },
        requestOptions({ ...platform, idempotencyKey: `${input.idempotencyKey}:account-link` }),
      );
      return { accountId, onboardingUrl: link.url };
    } catch (error) {
      return rethrow(error, platform);
    }
  }

  private createConnectedAccount(tenantId: string, platform: GatewayCall): Promise<Stripe.Account> {
    const params: Stripe.AccountCreateParams = { type: this.connectAccountType, metadata: { tenantId } };
    return this.stripe.accounts.create(
      params,
      requestOptions({ ...platform, idempotencyKey: `${platform.idempotencyKey}:account` }),
    );
  }

  private async cardOf(account: ProcessorAccount, intent: Stripe.PaymentIntent): Promise<CardDisplay> {
    return cardOfIntent(intent) ?? cardOfPaymentMethod(await this.paymentMethodOf(account, intent.payment_method));
  }

  /** The saved card's details; fetched only when Stripe did not expand them in the first answer. */
  private async paymentMethodOf(
    account: ProcessorAccount,
    method: string | Stripe.PaymentMethod | null,
  ): Promise<Stripe.PaymentMethod | undefined> {
    if (method === null) return undefined;
    if (typeof method !== 'string') return method;
    try {
      return await this.stripe.paymentMethods.retrieve(method, {}, accountOptions(account));
    } catch {
      // Money may already have moved; display data is never worth turning that answer into an
      // error, so the card is then reported as unknown.
      return undefined;
    }
  }

  private refusedOrRethrow(error: unknown, input: GatewayCall & { processorPaymentId: string }): FailedOutcome {
    return refusalOf(error, input.processorPaymentId, paymentStateRefusals) ?? rethrow(error, input);
  }

  private async outcomeOf(account: ProcessorAccount, intent: Stripe.PaymentIntent, saveFor: string | undefined): Promise<PaymentOutcome> {
    return paymentOutcomeOf(intent, await this.cardOf(account, intent), saveFor);
  }
}
