/**
 * `POST /webhooks/stripe`: verify, translate, hand to the processor, answer 200 with what the
 * ledger did. Stripe retries any other answer, so only a failure worth retrying (an outage, or a
 * duplicate still in progress) gets one; bad signatures, and signed bodies that are not event
 * objects, get 400 and never a stack trace. An authentic event with an unusable payload is an
 * answer, not a failure: 200 with `ignored: ...`, recorded under its id.
 */
import { Controller, Headers, HttpCode, Inject, Logger, Post, Req, ServiceUnavailableException } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { StripeWebhookProcessor, isTransientWebhookFailure, translateStripeEvent } from '@ledger/application';
import type { WebhookOutcome } from '@ledger/application';
import { StripeSignatureVerifier } from './stripe-signature.js';

@Controller('webhooks')
export class StripeWebhookController {
  private readonly logger = new Logger('StripeWebhooks');

  constructor(
    @Inject(StripeSignatureVerifier) private readonly verifier: StripeSignatureVerifier,
    @Inject(StripeWebhookProcessor) private readonly processor: StripeWebhookProcessor,
  ) {}

  @Post('stripe')
  @HttpCode(200)
  async receive(@Req() request: RawBodyRequest<Request>, @Headers('stripe-signature') signature?: string): Promise<{ received: true } & WebhookOutcome> {
    const { event, signedWith } = this.verifier.verify(request.rawBody, signature);
    // Which endpoint's secret matched tells the platform's events from the Connect ones in the log.
    this.logger.log(`${event.type} ${event.id} signed with ${signedWith}`);
    try {
      return { received: true, ...(await this.processor.process(translateStripeEvent(event))) };
    } catch (error) {
      if (!isTransientWebhookFailure(error)) throw error;
      this.logger.error(`${event.type} ${event.id} not recorded, Stripe will retry: ${(error as Error).message}`);
      throw new ServiceUnavailableException('The event could not be recorded now; deliver it again later');
    }
  }
}
