/**
 * Several API instances in one test process, as a load balancer would see them: full Nest
 * applications over the same data directory (every SQLite file opened once per instance, as
 * separate processes would), each listening on its own port, sharing one counting mailer so a
 * test can tell how often each e-mail went out. Every process manager's `handle` is wrapped, so
 * a test can say which instance handled which event.
 *
 * On the embedded store the API's lease owner is its data directory (a restart takes its leases
 * back at once), so two instances on one directory would be one owner: each instance here is
 * its own owner, named after it, with a short ttl so takeovers happen within a test.
 */
import { Test } from '@nestjs/testing';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { join } from 'node:path';
import { AdminNotificationMailer, LinkPaidNotifier, PaymentAutomation, ProcessorIndexKeeper, ReceiptMailer } from '@ledger/application';
import type { ProcessManager } from '@ledger/application';
import { loadConfiguration } from '@ledger/config';
import { EventStore } from '@ledger/event-store';
import { Mailer, OutboxMailer } from '@ledger/mail';
import type { MailMessage, SentMail } from '@ledger/mail';
import { AppModule } from '../app.module.js';
import { LEASE_SETTINGS } from '../read-side.module.js';

export const managerTypes = [PaymentAutomation, LinkPaidNotifier, AdminNotificationMailer, ReceiptMailer, ProcessorIndexKeeper];

/** Delivers to the outbox and counts sends per e-mail id; `broken` makes this instance's sends throw. */
export class CountingMailer extends Mailer {
  broken = false;

  constructor(
    private readonly outbox: OutboxMailer,
    readonly sends: string[],
  ) {
    super();
  }

  async send(message: MailMessage): Promise<SentMail> {
    if (this.broken) throw new Error('the mail relay refused the connection');
    this.sends.push(message.headers?.['X-Ledger-Email-Id'] ?? message.subject);
    return this.outbox.send(message);
  }

  async close(): Promise<void> {
    // The outbox is shared by the instances and holds nothing open.
  }
}

/** Keeps the errors the instances log, so a test can say none of their runners failed. */
export function capturingLogger(): LoggerService & { readonly errors: string[] } {
  const errors: string[] = [];
  const ignore = (): undefined => undefined;
  const keep = (message: unknown, ...rest: unknown[]): void => void errors.push([message, ...rest].map(String).join(' '));
  return { errors, log: ignore, debug: ignore, verbose: ignore, warn: ignore, error: keep, fatal: keep };
}

export interface Instance {
  readonly name: string;
  readonly app: INestApplication;
  readonly url: string;
  readonly mailer: CountingMailer;
  /** Event ids each process manager handled here, by manager name. */
  readonly handled: Map<string, string[]>;
  readonly bus: CommandBus;
  readonly events: EventStore;
  close(): Promise<void>;
}

export interface InstanceOptions {
  readonly dataDir: string;
  readonly name: string;
  readonly sends: string[];
  readonly logger: LoggerService;
  /** The lease ttl of every projection, process manager and job (default 1.5 s). */
  readonly ttlMs?: number;
  /** The lease owner; default: the instance's name. */
  readonly owner?: string;
  /** Changes the testing module before it compiles (providers to override). */
  readonly adjust?: (builder: ReturnType<typeof Test.createTestingModule>) => ReturnType<typeof Test.createTestingModule>;
}

export async function startInstance(options: InstanceOptions): Promise<Instance> {
  const config = loadConfiguration({ NODE_ENV: 'test', DATA_DIR: options.dataDir });
  const mailer = new CountingMailer(new OutboxMailer({ dir: join(options.dataDir, 'outbox'), from: config.mail.from }), options.sends);
  const builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(Mailer)
    .useValue(mailer)
    .overrideProvider(LEASE_SETTINGS)
    .useValue({ owner: options.owner ?? options.name, ttlMs: options.ttlMs ?? 1_500 });
  const module = await (options.adjust ? options.adjust(builder) : builder).compile();
  const handled = new Map<string, string[]>();
  for (const type of managerTypes) watch(module.get<ProcessManager>(type, { strict: false }), handled);
  const app = module.createNestApplication({ logger: options.logger });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  let closed = false;
  return {
    name: options.name,
    app,
    url,
    mailer,
    handled,
    bus: app.get(CommandBus),
    events: app.get(EventStore),
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

function watch(manager: ProcessManager, handled: Map<string, string[]>): void {
  const handle = manager.handle.bind(manager);
  handled.set(manager.name, []);
  (manager as { handle: ProcessManager['handle'] }).handle = (event) => {
    handled.get(manager.name)!.push(event.id);
    return handle(event);
  };
}

/** How often each event of the manager's types was handled, over all the instances. */
export function handledCounts(instances: readonly Instance[], manager: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const instance of instances) for (const id of instance.handled.get(manager) ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** The state of each process manager and job on this instance, as /health/ready reports it. */
export async function backgroundChecks(instance: Instance): Promise<Record<string, string>> {
  const { checks } = (await (await fetch(`${instance.url}/health/ready`)).json()) as { checks: Record<string, string> };
  return Object.fromEntries(Object.entries(checks).filter(([name]) => name.startsWith('process-manager:') || name.startsWith('job:')));
}

/** A process-manager gauge from /metrics, keyed `<kind>:<manager>` like the health checks. */
export async function runningGauges(instance: Instance, metric = 'ledger_process_manager_running'): Promise<Record<string, number>> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const lines = [...text.matchAll(new RegExp(`^${metric}\\{kind="([^"]+)",manager="([^"]+)"\\} (\\d+)$`, 'gm'))];
  return Object.fromEntries(lines.map(([, kind, manager, value]) => [`${kind}:${manager}`, Number(value)]));
}

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
