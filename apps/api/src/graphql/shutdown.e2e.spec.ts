// Goal: shutting down (SIGTERM → app.close) lets a command already in flight finish and answer,
// so a deploy never leaves a charge half-recorded; requests arriving after that are refused.
// Method: hold a card charge between the processor's answer and its recording (the step
// probe), close the app, then let the charge go on. It must answer with its result, and the
// data must show it after a restart on the same files.
import { StepProbe } from '@ledger/application';
import type { ProcessStep } from '@ledger/application';
import { startTestApi } from '../testing/test-api.js';
import { createTenantWithKey, graphql } from '../testing/graphql-client.js';
import { createApi } from '../bootstrap.js';
import type { LoggerService } from '@nestjs/common';

/** Keeps what the app logs at warn and error, so a test can say nothing went wrong. */
function capturingLogger(): LoggerService & { readonly problems: string[] } {
  const problems: string[] = [];
  const keep = (level: string) => (message: unknown, ...rest: unknown[]) => problems.push(`${level} ${String(message)} ${rest.map(String).join(' ')}`);
  return { problems, log: () => undefined, debug: () => undefined, verbose: () => undefined, warn: keep('WARN'), error: keep('ERROR'), fatal: keep('FATAL') };
}

describe('graceful shutdown', () => {
  it('finishes an in-flight charge before closing the stores', async () => {
    const api = await startTestApi();
    const key = await createTenantWithKey(api, 'shutdown');
    await graphql(api, key, 'mutation { connectStripeAccount(input: { returnUrl: "http://localhost/s" }) { state } }');
    const customer = await graphql(api, key, 'mutation { registerCustomer(input: { name: "Sam", email: "sam@example.com" }) { id } }');
    const booking = await graphql(
      api,
      key,
      `mutation { createBooking(input: { customerId: "${customer.data!.registerCustomer.id}", description: "Lawn", amountMinor: 4500, currency: "CAD", serviceDate: "2026-11-22", source: MANUAL }) { booking { id } } }`,
    );
    const bookingId = booking.data!.createBooking.booking.id as string;

    let arrived!: () => void;
    const atStep = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const probe = api.app.get(StepProbe);
    probe.reached = async (step: ProcessStep) => {
      if (step !== 'payment.processor-answered') return;
      arrived();
      await gate;
    };

    const charge = graphql(api, key, `mutation { chargeBooking(input: { bookingId: "${bookingId}", paymentMethodToken: "pm_card_visa", idempotencyKey: "sd-1" }) { id status } }`);
    await atStep;
    const closing = api.app.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    const answer = await charge;
    await closing;
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.chargeBooking.status).toBe('SUCCEEDED');

    const again = await createApi(api.config, { logger: false });
    await again.listen(0, '127.0.0.1');
    const url = (await again.getUrl()).replace('[::1]', '127.0.0.1');
    const read = await graphql({ url }, key, `{ booking(id: "${bookingId}") { paymentStatus } }`);
    expect(read.data!.booking.paymentStatus).toBe('CHARGED_IN_FULL');
    await again.close();
    await api.close().catch(() => undefined);
  });

  it('stops projections and process managers before it closes the stores, so nothing fails on the way out', async () => {
    const api = await startTestApi();
    const key = await createTenantWithKey(api, 'quiet');
    await graphql(api, key, 'mutation { registerCustomer(input: { name: "Quinn", email: "quinn@example.com" }) { id } }');
    await api.app.close();
    const logger = capturingLogger();
    const again = await createApi(api.config, { logger });
    await again.listen(0, '127.0.0.1');
    await again.close();
    expect(logger.problems).toEqual([]);
    await api.close().catch(() => undefined);
  });
});
