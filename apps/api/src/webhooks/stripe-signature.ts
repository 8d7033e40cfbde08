/**
 * Stripe signs the exact bytes it sends; the signature is checked on those bytes (the raw
 * body the bootstrap keeps), with the Stripe library and its default tolerance of five minutes
 * against replays, before anything is parsed or trusted. A signed body must then at least be an
 * event object with an id and a type: without an id nothing can be recorded about it, so it is
 * refused with a 400 rather than acknowledged.
 */
import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import Stripe from 'stripe';
import { stripeEventProblem } from '@ledger/application';
import type { StripeEventBody } from '@ledger/application';

export class StripeSignatureVerifier {
  /** Undefined when no signing secret is configured: the endpoint then refuses every event. */
  constructor(private readonly secret: string | undefined) {}

  verify(rawBody: Buffer | undefined, signature: string | undefined): StripeEventBody {
    const body = this.verifiedBody(rawBody, signature);
    const problem = stripeEventProblem(body);
    if (problem !== undefined) throw new BadRequestException(`The body is not a Stripe event: ${problem}`);
    return body as StripeEventBody;
  }

  /** The parsed body, typed `unknown`: a signature says who sent it, not what shape it has. */
  private verifiedBody(rawBody: Buffer | undefined, signature: string | undefined): unknown {
    if (this.secret === undefined) {
      // 503 rather than 404: the route exists, it is the configuration that is missing, and Stripe
      // keeps retrying a 503 for days, so events sent before the secret is set are not lost.
      throw new ServiceUnavailableException('Stripe webhooks are not configured: set STRIPE_WEBHOOK_SECRET');
    }
    if (!rawBody || rawBody.length === 0) throw new BadRequestException('The request has no body');
    if (!signature) throw new BadRequestException('The Stripe-Signature header is missing');
    try {
      return Stripe.webhooks.constructEvent(rawBody, signature, this.secret);
    } catch (error) {
      // A signed body that is not JSON fails here too; neither case tells the sender more than that.
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
        throw new BadRequestException('The Stripe signature does not match the body');
      }
      throw new BadRequestException('The body is not a Stripe event');
    }
  }
}
