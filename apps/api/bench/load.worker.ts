/**
 * The load generator for `npm run bench:api`, in a child process so that autocannon's own work
 * does not share the event loop of the server it measures (it still shares the machine). Not a
 * worker thread: autocannon switches to its own worker protocol off the main thread.
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly key?: string;
  /** A fixed GraphQL request body... */
  readonly body?: string;
  /** ...or a money mutation: one offline payment per request, a fresh idempotency key each. */
  readonly mutation?: { readonly bookingIds: readonly string[]; readonly amountMinor: number; readonly run: string };
}

export interface LoadResult {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly failures: number;
}

const MUTATION = 'mutation($i: RecordOfflinePaymentInput!) { recordOfflinePayment(input: $i) { id status amount { amountMinor currency } } }';

async function run(spec: LoadSpec): Promise<LoadResult> {
  let counter = 0;
  let failures = 0;
  const onResponse = (status: number, body: string): void => {
    if (status !== 200 || body.includes('"errors"')) {
      if (failures++ === 0) console.error(`  first failed response (${status}): ${body.slice(0, 300)}`);
    }
  };
  const mutation = spec.mutation;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(spec.key ? { authorization: `Bearer ${spec.key}` } : {}) },
    requests: [
      {
        method: 'POST',
        ...(mutation
          ? {
              setupRequest: (request) => {
                const n = counter++;
                const i = { bookingId: mutation.bookingIds[n % mutation.bookingIds.length], method: 'CASH', amountMinor: mutation.amountMinor, idempotencyKey: `${mutation.run}-${n}` };
                return { ...request, body: JSON.stringify({ query: MUTATION, variables: { i } }) };
              },
            }
          : { body: spec.body }),
        onResponse,
      },
    ],
  });
  return {
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: failures + result.errors + result.timeouts,
  };
}

process.once('message', (spec: LoadSpec) => {
  run(spec).then(
    (result) => process.send!(result),
    (error: unknown) => process.send!({ error: String(error) }),
  );
});
