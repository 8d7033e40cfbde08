// The API process's write and read sides together on embedded defaults: commands on the bus
// are projected into the read models while the app runs, so a charged booking reads as
// CHARGED_IN_FULL, the payment shows in the history, the journal's trial balance balances, and
// receivables age what is still owed.
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChargeBookingCommand,
  ConnectStripeAccountCommand,
  CreateBookingCommand,
  CreateTenantCommand,
  ProjectorHost,
  RecordOfflinePaymentCommand,
  RegisterCustomerCommand,
  receivables,
} from '@ledger/application';
import { loadConfiguration } from '@ledger/config';
import { EventStore } from '@ledger/event-store';
import { ReadStore } from '@ledger/read-store';
import { AppModule } from './app.module.js';

describe('the ledger in one process', () => {
  let dir: string;
  let app: INestApplicationContext;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-read-side-'));
    app = await NestFactory.createApplicationContext(AppModule.forRoot(loadConfiguration({ DATA_DIR: dir })), { logger: false });
    await app.init();
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows balances, payments and a balanced journal moments after the commands', async () => {
    const bus = app.get(CommandBus);
    await bus.execute(new CreateTenantCommand({ tenantId: 'sparkle', name: 'Sparkle Cleaning', currency: 'CAD', timeZone: 'America/Toronto' }));
    const caller = { tenant: 'sparkle', actor: { kind: 'API_KEY' as const, id: 'test' } };
    await bus.execute(new ConnectStripeAccountCommand(caller, { returnUrl: 'http://localhost:3000/settings' }));
    const { customerId } = await bus.execute(new RegisterCustomerCommand(caller, { name: 'Ada', email: 'ada@example.com' }));
    const online = await bus.execute(
      new CreateBookingCommand(caller, { customerId, description: 'Deep clean', amountMinor: 12_500, currency: 'CAD', serviceDate: '2026-11-20', source: 'ONLINE', paymentMethodToken: 'pm_card_visa', idempotencyKey: 'b1' }),
    );
    const phone = await bus.execute(new CreateBookingCommand(caller, { customerId, description: 'Windows', amountMinor: 8_000, currency: 'CAD', serviceDate: '2026-11-21', source: 'PHONE', idempotencyKey: 'b2' }));
    const charge = await bus.execute(new ChargeBookingCommand(caller, { bookingId: online.bookingId, idempotencyKey: 'c1' }));
    await bus.execute(new RecordOfflinePaymentCommand(caller, { bookingId: phone.bookingId, amountMinor: 3_000, method: 'CASH', idempotencyKey: 'cash1' }));

    const head = await app.get(EventStore).headPosition();
    await app.get(ProjectorHost).caughtUpTo(head!);
    const reads = app.get(ReadStore);
    expect(await reads.get('bookings_v1', online.bookingId)).toMatchObject({ paymentStatus: 'CHARGED_IN_FULL', balance: { amountMinor: 0 } });
    expect(await reads.get('bookings_v1', phone.bookingId)).toMatchObject({ paymentStatus: 'PARTIALLY_PAID', balance: { amountMinor: 5_000 } });
    expect(await reads.get('payments_v1', charge.paymentId)).toMatchObject({ method: 'CARD_ON_FILE', status: 'SUCCEEDED', captured: { amountMinor: 12_500 }, card: { last4: '4242' } });
    // The journal's totals are exact decimal strings (ledger-journal version 2).
    const journal = app.get(ProjectorHost).collectionFor('ledger-journal', 'trial_balance');
    const trial = await reads.get<{ totalDebitMinor: string; totalCreditMinor: string; accounts: Record<string, { debitMinor: string; creditMinor: string }> }>(journal, 'sparkle');
    expect(trial!.totalDebitMinor).toBe(trial!.totalCreditMinor);
    const receivable = trial!.accounts.accounts_receivable!;
    expect(BigInt(receivable.debitMinor) - BigInt(receivable.creditMinor)).toBe(5_000n);
    const aged = await receivables(reads, 'bookings_v1', 'sparkle', '2026-12-15');
    expect(aged.rows).toEqual([expect.objectContaining({ customerId, outstandingMinor: 5_000 })]);
    expect(aged.totals).toMatchObject({ days1to30: 5_000, outstandingMinor: 5_000 });
  });
});

describe('the embedded projector after a crash', () => {
  it('takes its leases back at once on restart, without waiting for them to expire', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-restart-'));
    try {
      const config = loadConfiguration({ DATA_DIR: dir });
      const first = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
      await first.init();
      // A crash: the process is gone without releasing its leases (no close()).
      const second = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
      await second.init();
      const started = Date.now();
      const bus = second.get(CommandBus);
      await bus.execute(new CreateTenantCommand({ tenantId: 'again', name: 'Again', currency: 'CAD' }));
      await second.get(ProjectorHost).caughtUpTo((await second.get(EventStore).headPosition())!, 5_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(second.get(ProjectorHost).status().every((status) => status.state === 'running')).toBe(true);
      await second.close();
      await first.close().catch(() => undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
