/**
 * Which bookings belong to a customer: the question "charge everything this customer owes"
 * needs answered. A read model answers it in production; the log-scanning adapter below answers
 * it anywhere, at the cost of reading every BookingCreated.
 */
import { Injectable } from '@nestjs/common';
import { EventStore } from '@ledger/event-store';
import type { Position } from '@ledger/event-store';

export abstract class CustomerBookings {
  abstract bookingIdsOf(tenant: string, customerId: string): Promise<string[]>;
}

@Injectable()
export class LogScanningCustomerBookings extends CustomerBookings {
  constructor(private readonly store: EventStore) {
    super();
  }

  async bookingIdsOf(tenant: string, customerId: string): Promise<string[]> {
    const ids: string[] = [];
    for (let after: Position | undefined; ; ) {
      const page = await this.store.readAll({ filter: { eventTypes: ['BookingCreated'] }, maxCount: 1000, ...(after ? { after } : {}) });
      if (page.length === 0) return ids;
      for (const event of page) {
        const data = event.data as { bookingId: string; customerId: string };
        if (event.metadata.tenant === tenant && data.customerId === customerId) ids.push(data.bookingId);
      }
      after = page[page.length - 1]!.position;
    }
  }
}
