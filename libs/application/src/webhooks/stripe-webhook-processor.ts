/**
 * Handles one verified Stripe event exactly once. The event id is an idempotency key in the
 * event store (IdempotencyGuard): the first delivery claims it and does the work, a concurrent
 * or later duplicate waits for and returns the recorded outcome, and a delivery whose worker
 * died is taken over after the lease, resuming with the same derived ids, so nothing is recorded
 * twice. Every id the work causes derives from the event id.
 *
 * Routing: a payment is found by the ledger metadata on the PaymentIntent, else by the processor
 * index; a Connect event must come from the account the payment was made on (recorded with its
 * intent; the tenant's connected account for older payments), so one business's account can never
 * touch another's payments. An event rendered in another API version than the pinned one is
 * acknowledged without being read or recorded. What cannot be routed is acknowledged
 * and recorded as such: Stripe retrying it would not make it routable.
 */
import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext, Payment } from '@ledger/domain';
import { isRejection } from '../application-error.js';
import { CommandContexts } from '../command-contexts.js';
import { IdempotencyGuard } from '../idempotency.js';
import { RecordStripeAccountUpdateCommand } from '../commands/tenant.commands.js';
import { LedgerReader, paymentAccountOf } from '../payments/ledger-reader.js';
import { PaymentWebhookActions, type PaymentAction } from './payment-webhook-actions.js';
import { ProcessorIndex } from './processor-index.js';
import type { ProcessorPaymentRef, WebhookAction, WebhookEnvelope } from './stripe-event-translation.js';

/** Not a tenant slug, so webhook keys can never meet an API client's idempotency keys. */
export const STRIPE_WEBHOOK_KEY_SPACE = '$stripe-webhooks';

export interface WebhookOutcome {
  readonly eventId: string;
  readonly type: string;
  /** What the ledger did, in words: recorded, already recorded, ignored (and why), or rejected. */
  readonly outcome: string;
}

/** Rejections that describe a passing condition: Stripe should deliver the event again later. */
const TRANSIENT = new Set(['REQUEST_IN_PROGRESS', 'PROCESSOR_UNAVAILABLE']);

export function isTransientWebhookFailure(error: unknown): boolean {
  return !isRejection(error) || TRANSIENT.has(error.code);
}

@Injectable()
export class StripeWebhookProcessor {
  private readonly logger = new Logger('StripeWebhooks');

  constructor(
    private readonly guard: IdempotencyGuard,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
    private readonly index: ProcessorIndex,
    private readonly payments: PaymentWebhookActions,
    private readonly commandBus: CommandBus,
  ) {}

  async process(envelope: WebhookEnvelope): Promise<WebhookOutcome> {
    if (envelope.action.kind === 'other-api-version') {
      // Not recorded under the event id: the same event delivered again in the right version must be read.
      this.logger.warn(`${envelope.type} ${envelope.eventId} not read: ${envelope.action.reason}`);
      return { eventId: envelope.eventId, type: envelope.type, outcome: `ignored: ${envelope.action.reason}` };
    }
    const request = { tenant: STRIPE_WEBHOOK_KEY_SPACE, key: envelope.eventId, commandType: 'StripeWebhookEvent', input: { type: envelope.type } };
    const outcome = await this.guard.run(request, (commandId) => this.handle(commandId, envelope)).catch((error: unknown) => this.refused(envelope, error));
    this.logger.log(`${envelope.type} ${envelope.eventId}: ${outcome}`);
    return { eventId: envelope.eventId, type: envelope.type, outcome };
  }

  /**
   * The guard's own rejections: an event id already recorded under another type. The sender is
   * authentic but contradicts itself; the first record stands, and every redelivery gets this
   * same answer, so it is acknowledged rather than retried for days.
   */
  private refused(envelope: WebhookEnvelope, error: unknown): string {
    if (isTransientWebhookFailure(error)) throw error;
    const { code, message } = error as { code: string; message: string };
    this.logger.warn(`${envelope.type} ${envelope.eventId} refused: ${code} ${message}`);
    return `rejected: ${code}: ${message}`;
  }

  private async handle(commandId: string, envelope: WebhookEnvelope): Promise<string> {
    try {
      return await this.act(commandId, envelope, envelope.action);
    } catch (error) {
      // A rejection is the ledger's answer to this report (a contradiction, not an outage): it is
      // recorded as the event's outcome and acknowledged, since a redelivery would get the same answer.
      if (isTransientWebhookFailure(error)) throw error;
      const { code, message } = error as { code: string; message: string };
      this.logger.warn(`${envelope.type} ${envelope.eventId} rejected: ${code} ${message}`);
      return `rejected: ${code}: ${message}`;
    }
  }

  private async act(commandId: string, envelope: WebhookEnvelope, action: WebhookAction): Promise<string> {
    switch (action.kind) {
      case 'ignored':
      case 'other-api-version':
        return `ignored: ${action.reason}`;
      case 'card-setup-confirmed':
        // Cards are recorded when the ledger saves them (the processor answers that call); the webhook only confirms.
        return `ignored: setup ${action.setupIntentId} confirms a card the ledger records when it saves it`;
      case 'account-updated':
        return this.accountUpdated(envelope, action);
      default:
        return this.onPayment(commandId, envelope, action);
    }
  }

  private async accountUpdated(envelope: WebhookEnvelope, action: Extract<WebhookAction, { kind: 'account-updated' }>): Promise<string> {
    const { accountId, chargesEnabled, detailsSubmitted } = action;
    const tenantId = await this.index.tenantOfAccount(accountId);
    if (!tenantId) return this.unmatched(envelope, `no tenant connected account ${accountId}`);
    const command = new RecordStripeAccountUpdateCommand({ tenantId, accountId, chargesEnabled, detailsSubmitted, eventId: envelope.eventId });
    const result = await this.commandBus.execute(command);
    return `account ${accountId} of tenant ${tenantId} is ${result.state}`;
  }

  private async onPayment(commandId: string, envelope: WebhookEnvelope, action: PaymentAction): Promise<string> {
    const found = await this.findPayment(action.payment);
    if (!found) return this.unmatched(envelope, `no ledger payment for ${action.payment.processorPaymentId}`);
    const { tenantId, payment } = found;
    // The account the payment was made on, which stays its account after the tenant connects another.
    const accountId = paymentAccountOf(payment, await this.reader.tenant(tenantId)).accountId;
    if (envelope.account !== accountId) {
      return this.unmatched(envelope, `${action.payment.processorPaymentId} is not a payment of account ${envelope.account ?? '(platform)'}`);
    }
    const root = this.rootContext(commandId, tenantId, envelope);
    return `payment ${payment.paymentId} of tenant ${tenantId}: ${await this.payments.apply(root, payment, action)}`;
  }

  private async findPayment(ref: ProcessorPaymentRef): Promise<{ tenantId: string; payment: Payment } | undefined> {
    const target = ref.paymentId && ref.tenant ? { tenant: ref.tenant, paymentId: ref.paymentId } : await this.index.payment(ref.processorPaymentId);
    if (!target) return undefined;
    // Loading under the named tenant refuses a stream another tenant wrote, so metadata cannot point across tenants.
    const payment = await this.reader.paymentIfAny(target.tenant, target.paymentId).catch(undefinedIfRejected);
    return payment ? { tenantId: target.tenant, payment } : undefined;
  }

  private unmatched(envelope: WebhookEnvelope, why: string): string {
    this.logger.warn(`${envelope.type} ${envelope.eventId} acknowledged without effect: ${why}`);
    return `ignored: ${why}`;
  }

  private rootContext(commandId: string, tenantId: string, envelope: WebhookEnvelope): CommandContext {
    return this.contexts.create(commandId, tenantId, { kind: 'PROCESSOR', id: envelope.eventId });
  }
}

function undefinedIfRejected(error: unknown): undefined {
  if (!isRejection(error)) throw error;
  return undefined;
}
