// Goal: issue 10's promise for a business on its own Stripe account, KurrentDB and MongoDB with two
// API instances behind a load balancer: when one instance is cut off and killed in the middle of
// the work, every card charge is recorded exactly once (none twice at the processor, none lost),
// every e-mail that should go goes once, the read models equal a rebuild from the log, and
// /health/ready tells the truth throughout (the cut-off instance is not ready, then gone; the
// survivor takes over, is not ready while one of its own stores is cut, and ready again by itself).
// Method: everything real and in its own process where production has one. The sources are built
// with the SWC step of `npm run build`; the KurrentDB test double runs as a process; two API
// processes (`main.js`, NODE_ENV=production) share it and a fresh FerretDB database, each through
// its own Toxiproxy proxies to KurrentDB, MongoDB, the Stripe stand-in (which counts the charges
// the processor makes) and a real SMTP server. The tenant and key come from the `ledger` CLI. A
// dashboard's workload goes through both over GraphQL, repeating requests with their idempotency
// keys through the other instance. Then the first instance, holder of every lease, is caught with
// three charges made at Stripe and unanswered (their answers held by a slow link), its connections
// are cut (resets, a stalled MongoDB) and it is SIGKILLed; the client sends what it had in flight
// to the survivor, as a balancer would, and goes on there. The survivor then loses KurrentDB for a
// second (connections reset) and MongoDB for three (stalled, while a booking is made). Readiness is
// polled on both all along, and every "ready" is checked against a read of the latest
// acknowledged write. The verdicts are read where the truth lives: the processor's charges, the
// SMTP server's mailbox, the log, and a rebuild of every read model.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { EventStoreDbEventStore } from '@ledger/event-store';
import type { EventStore } from '@ledger/event-store';
import { startTestSmtpServer } from '@ledger/mail';
import type { TestSmtpServer } from '@ledger/mail';
import { createReadStore } from '@ledger/read-store';
import { describeWithToxiproxy, FaultyNetwork, startStripeStandIn } from '@ledger/testing';
import type { FaultyLink, StripeStandIn } from '@ledger/testing';
import { BalancedClient } from './testing/balanced-client.js';
import { firstRound, survivorRound } from './testing/dashboard-rounds.js';
import type { Customer } from './testing/dashboard-rounds.js';
import { auditCharges, auditEmails, readModelsAgainstRebuild } from './testing/ledger-audit.js';
import { LedgerProcesses } from './testing/ledger-processes.js';
import { LedgerWorkload, payloadOf } from './testing/ledger-workload.js';
import { connectStripe, createTenantWithCli, eventStoreUrl, mongodbUrl, startProductionInstance, until } from './testing/production-instances.js';
import type { ProductionInstance, Servers } from './testing/production-instances.js';
import { backgroundUp, isReady, probeReadiness, ReadinessWatch, readinessVerdict } from './testing/readiness-watch.js';
import type { CutWindow } from './testing/readiness-watch.js';

const stripeMockUrl = process.env.STRIPE_MOCK_URL;
const mongoTestUrl = process.env.MONGODB_TEST_URL;
/** The production lease ttl (10 s) and a tenth: the longest a dead holder's leases can stand. */
const TAKEOVER_MS = 11_000;

describeWithToxiproxy('two API processes in production settings, one cut off and killed mid-workload (Toxiproxy)', () => {
  let processes: LedgerProcesses;
  let network: FaultyNetwork;
  let stripe: StripeStandIn;
  let smtp: TestSmtpServer;
  let servers: Servers;
  let a: ProductionInstance;
  let b: ProductionInstance;
  let key: string;
  let work: LedgerWorkload;
  let watches: ReadinessWatch[] = [];
  let passed = false;

  beforeAll(async () => {
    if (!stripeMockUrl || !mongoTestUrl) throw new Error('STRIPE_MOCK_URL and MONGODB_TEST_URL must be set; run `bash scripts/test-services.sh start`');
    [processes, network, stripe, smtp] = await Promise.all([
      LedgerProcesses.build(),
      FaultyNetwork.connect(),
      startStripeStandIn(stripeMockUrl),
      startTestSmtpServer(),
    ]);
    const double = await processes.startKurrentDbDouble();
    servers = {
      eventStore: `127.0.0.1:${double.port}`,
      mongodb: new URL(mongoTestUrl).host,
      database: `capstone_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`,
      stripe: stripe.address,
      smtpUrl: smtp.url,
    };
    key = await createTenantWithCli(processes, servers, 'twin');
    // The first instance starts alone, so it holds every lease: killing it forces a takeover.
    a = await startProductionInstance('a', processes, network, servers);
    await until('instance a ready', async () => isReady(await probeReadiness(a.endpoint)), 20_000);
    b = await startProductionInstance('b', processes, network, servers);
    await connectStripe(b.endpoint, key);
    work = new LedgerWorkload(new BalancedClient(key, [a.endpoint, b.endpoint]));
    watches = [a, b].map((instance) => new ReadinessWatch(instance.endpoint, key, (time) => work.acknowledgedBefore(time)));
  }, 90_000);

  afterAll(async () => {
    // Whatever failed, nothing of this test may keep polling or retrying after it.
    work?.client.close();
    await Promise.all(watches.map((watch) => watch.stop()));
    if (!passed && processes) console.error(`production-faults: the API logs are kept in ${processes.logDir}`);
    await processes?.stopAll({ keepLogs: !passed });
    await network?.removeAll();
    await Promise.all([stripe?.close(), smtp?.close()]);
    if (servers) {
      const admin = new MongoClient(mongoTestUrl!);
      await admin.db(servers.database).dropDatabase();
      await admin.close();
    }
  });

  /**
   * Sends a batch to `a` with its Stripe answers held back, waits until the processor has made its
   * three charges, cuts every connection of `a` and kills it. Returns the batch, still in flight:
   * the client sends each request on to `b` once `a` is out of service, as a balancer would.
   */
  async function cutOffAndKill(customers: readonly Customer[]): Promise<{ inFlight: Promise<unknown>; cutAt: number; killedAt: number }> {
    const chargesBefore = stripe.charges.length;
    await a.links.stripe.latency(5_000);
    const inFlight = Promise.all([
      ...[0, 1, 2].map((i) => work.charge(a.endpoint, customers[i]!.bookingIds[3]!, customers[i]!, `in-flight-charge-${i}`)),
      work.cash(a.endpoint, customers[3]!.bookingIds[3]!, 'in-flight-cash-3'),
      work.book(a.endpoint, customers[1]!.customerId, 'in-flight-booking-1'),
    ]);
    // Awaited later; handled now, so a failure before then is not also an unhandled rejection.
    inFlight.catch(() => undefined);
    await until('the in-flight charges reaching Stripe', () => stripe.charges.length >= chargesBefore + 3, 15_000);
    const cutAt = Date.now();
    const { events, reads, stripe: toStripe, smtp: toSmtp } = a.links;
    await Promise.all([
      events.resetPeer({ direction: 'downstream' }),
      events.resetPeer({ direction: 'upstream' }),
      reads.stall({ direction: 'downstream' }),
      reads.stall({ direction: 'upstream' }),
      toStripe.resetPeer({ direction: 'downstream' }),
      toSmtp.resetPeer({ direction: 'downstream' }),
    ]);
    // Long enough for the balancer's probes (and the watch) to see what `a` says while cut off.
    await sleep(3_000);
    a.endpoint.down = true;
    await a.api.kill('SIGKILL');
    return { inFlight, cutAt, killedAt: Date.now() };
  }

  /** Waits until every e-mail owed so far (each receipt) is recorded as sent: no process manager is busy. */
  function allReceiptsSent(events: EventStore, timeoutMs: number): Promise<number> {
    return until('every receipt sent', async () => (await auditEmails(events, smtp.received, [])).owedNotSent.length === 0, timeoutMs);
  }

  /**
   * Cuts one of the survivor's links for a while (`cut` puts the faults on), with `during` running
   * meanwhile. Returns when `b` first said it was not ready, when the link healed, and when `b`
   * said it was ready again by itself (undefined if it did not within 40 s).
   */
  async function cutSurvivor(
    link: FaultyLink,
    cut: () => Promise<unknown>,
    holdMs: number,
    during: () => Promise<unknown> = () => Promise.resolve(),
  ): Promise<CutWindow> {
    const began = Date.now();
    await cut();
    const pending = during();
    pending.catch(() => undefined);
    await until(`b not ready while ${link.name} is cut`, async () => !isReady(await probeReadiness(b.endpoint)), 15_000);
    await sleep(holdMs);
    await link.heal();
    const to = Date.now();
    await pending;
    const from = watches[1]!.between(began).find((sample) => !isReady(sample))?.at ?? to;
    const recovered = await until(`b ready after ${link.name} healed`, async () => isReady(await probeReadiness(b.endpoint)), 40_000).then(
      () => Date.now(),
      () => undefined,
    );
    return { from, to, recovered };
  }

  it('records every card charge once, sends every e-mail once, keeps read models equal to a rebuild, and /health/ready tells the truth', async () => {
    const events = new EventStoreDbEventStore(eventStoreUrl(servers.eventStore));
    const reads = createReadStore({ dataDir: processes.logDir, mongodbUrl: mongodbUrl(servers.mongodb, servers.database) });
    try {
      watches.forEach((watch) => watch.start());
      const [watchA, watchB] = watches as [ReadinessWatch, ReadinessWatch];
      const customers = await firstRound(work, a.endpoint, b.endpoint);
      await smtp.waitFor(8, 20_000); // four receipts (the receipt mailer, on a) and four payment links
      const { inFlight, cutAt, killedAt } = await cutOffAndKill(customers);
      const takeoverMs = await until('b running every process manager and job', async () => backgroundUp(await probeReadiness(b.endpoint)), 20_000);
      await survivorRound(work, b.endpoint, customers);
      // A blip of KurrentDB while the survivor is idle (a manager caught mid-event stops by design).
      await allReceiptsSent(events, 20_000);
      const { events: toEvents, reads: toReads } = b.links;
      const eventStoreCut = await cutSurvivor(toEvents, () => Promise.all([toEvents.resetPeer(), toEvents.resetPeer({ direction: 'upstream' })]), 1_000);
      // MongoDB stops answering while a booking is made: it lands in the log, its answer waits.
      const readStoreCut = await cutSurvivor(
        toReads,
        () => toReads.stall(),
        3_000,
        () => work.book(b.endpoint, customers[2]!.customerId, 'during-read-store-cut'),
      );
      await inFlight;
      // Receipts for the charges resumed on b are sent after the fact by its receipt mailer.
      await allReceiptsSent(events, 30_000).catch(() => undefined);
      await Promise.all(watches.map((watch) => watch.stop()));
      const linkIds = [...work.sent.values()]
        .filter((sent) => sent.kind === 'link' && sent.answers.some((answer) => payloadOf(answer)?.url))
        .map((sent) => payloadOf(sent.answers[0]!)!.id as string);
      const verdict = {
        answers: work.disagreements(),
        charges: await auditCharges(events, stripe.charges),
        emails: await auditEmails(events, smtp.received, linkIds),
        readModels: await readModelsAgainstRebuild(events, reads),
        readiness: readinessVerdict(watchA, watchB, { cutAt, killedAt, eventStoreCut, readStoreCut }),
        takeoverWithinTtl: takeoverMs <= TAKEOVER_MS + 2_000,
      };
      // What happened when, for the failure message's log directory (removed when the test passes).
      const timeline = { cutAt, killedAt, takeoverMs, eventStoreCut, readStoreCut, requests: [...work.sent.values()], a: watchA.samples, b: watchB.samples };
      writeFileSync(join(processes.logDir, 'timeline.json'), JSON.stringify(timeline, null, 1));
      expect(verdict).toEqual({
        // Every request got a final answer that agrees with its repeats. It found: a mutation whose
        // read models were more than 3 s behind (the survivor waiting out the dead instance's
        // projection leases, or MongoDB stalled) answered NOT_FOUND for what it had just
        // recorded, which a client takes as final; it now answers RESULT_PENDING and its repeat
        // gets the result (DashboardReads.readable).
        answers: [],
        charges: { notRecordedOnce: [], recordedWithoutCharge: [], chargedTwice: [], open: [] },
        emails: { notReceivedOnce: [], receivedNotRecorded: [], owedNotSent: [] },
        readModels: [],
        readiness: { aReadyWhileCutOff: [], aAnsweringAfterKill: [], bReadyWhileCut: [], bFailedOrDown: [], bRecovered: [true, true], lies: [] },
        takeoverWithinTtl: true,
      });
      // Each charge the client asked for (by key) is one charge at the processor, not more.
      expect(stripe.charges.length).toBe([...work.sent.values()].filter((sent) => sent.kind === 'charge').length);
      passed = true;
    } finally {
      await events.close();
      await reads.close();
    }
  }, 180_000);
});
