/**
 * Stripe signs the exact bytes it sends; the signature is checked on those bytes (the raw
 * body the bootstrap keeps), with the Stripe library and its default tolerance of five minutes
 * against replays, before anything is parsed or trusted. Each webhook endpoint has its own signing
 * secret (a Connect platform has at least two: its own account's endpoint and the Connect one),
 * so every configured secret is tried, and the one that matched is named by its label, never by
 * its value. A signed body must then at least be an event object with an id and a type: without an
 * id nothing can be recorded about it, so it is refused with a 400 rather than acknowledged.
 */
import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import Stripe from 'stripe';
import type { WebhookSecret } from '@ledger/config';
import { stripeEventProblem } from '@ledger/application';
import type { StripeEventBody } from '@ledger/application';

export interface VerifiedEvent {
  readonly event: StripeEventBody;
  /** The label of the secret whose signature matched (`STRIPE_WEBHOOK_SECRETS[1]`). */
  readonly signedWith: string;
}

export class StripeSignatureVerifier {
  /** No secrets: webhooks are not configured, and the endpoint refuses every event. */
  constructor(private readonly secrets: readonly WebhookSecret[]) {}

  verify(rawBody: Buffer | undefined, signature: string | undefined): VerifiedEvent {
    const { body, signedWith } = this.verifiedBody(rawBody, signature);
    const problem = stripeEventProblem(body);
    if (problem !== undefined) throw new BadRequestException(`The body is not a Stripe event: ${problem}`);
    return { event: body as StripeEventBody, signedWith };
  }

  /** The parsed body, typed `unknown`: a signature says who sent it, not what shape it has. */
  private verifiedBody(rawBody: Buffer | undefined, signature: string | undefined): { body: unknown; signedWith: string } {
    if (this.secrets.length === 0) {
      // 503 rather than 404: the route exists, it is the configuration that is missing, and Stripe
      // keeps retrying a 503 for days, so events sent before the secret is set are not lost.
      throw new ServiceUnavailableException('Stripe webhooks are not configured: set STRIPE_WEBHOOK_SECRET or STRIPE_WEBHOOK_SECRETS');
    }
    if (!rawBody || rawBody.length === 0) throw new BadRequestException('The request has no body');
    if (!signature) throw new BadRequestException('The Stripe-Signature header is missing');
    for (const { label, secret } of this.secrets) {
      try {
        return { body: Stripe.webhooks.constructEvent(rawBody, signature, secret), signedWith: label };
      } catch (error) {
        // Another endpoint's secret may match; a body that is not JSON fails under the right one.
        if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) {
          throw new BadRequestException('The body is not a Stripe event');
        }
      }
    }
    throw new BadRequestException('The Stripe signature does not match the body');
  }
}
