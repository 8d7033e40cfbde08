/**
 * The holds the expiry monitor watches, folded from the payment events of the log: a hold is
 * open from its authorisation until it is captured or released; once it expires it is kept
 * until its fallback charge (a payment whose id is derived from the hold's) has an outcome, or
 * its fallback window has passed. Pure and in memory: the monitor rebuilds it from the log at
 * start-up and then reads only what was appended since.
 */
import { deriveId } from '../ids.js';
import { paymentIdFor } from '../payments/card-payments.js';

export interface TrackedHold {
  readonly paymentId: string;
  readonly tenant: string;
  readonly captureBefore: string;
  readonly status: 'OPEN' | 'EXPIRED';
}

export interface HoldIndexEvent {
  readonly type: string;
  readonly data: unknown;
  readonly tenant: string;
}

/** The payment events that change what the monitor has to do. */
export const HOLD_EVENT_TYPES = ['PaymentAuthorized', 'Charged', 'ChargeFailed', 'AuthorizationReleased', 'AuthorizationExpired'] as const;

/** The root command id of an expired hold's fallback charge, and so of every id it derives. */
export function fallbackCommandId(holdPaymentId: string): string {
  return deriveId(holdPaymentId, 'fallback');
}

export class HoldIndex {
  private readonly holds = new Map<string, TrackedHold>();
  /** The fallback payment's id -> the hold it stands in for. */
  private readonly fallbacks = new Map<string, string>();

  apply(event: HoldIndexEvent): void {
    const { paymentId } = event.data as { paymentId: string };
    switch (event.type) {
      case 'PaymentAuthorized': {
        const { captureBefore } = event.data as { captureBefore: string };
        this.holds.set(paymentId, { paymentId, tenant: event.tenant, captureBefore, status: 'OPEN' });
        this.fallbacks.set(paymentIdFor(fallbackCommandId(paymentId)), paymentId);
        return;
      }
      case 'AuthorizationExpired': {
        const hold = this.holds.get(paymentId);
        if (hold !== undefined) this.holds.set(paymentId, { ...hold, status: 'EXPIRED' });
        return;
      }
      case 'Charged':
      case 'ChargeFailed':
      case 'AuthorizationReleased':
        // Either a hold ended with money taken or let go, or a fallback charge has its outcome.
        this.forget(paymentId);
        this.forget(this.fallbacks.get(paymentId));
        return;
      default:
        return;
    }
  }

  /**
   * The holds that need attention at `now`: open ones within `marginMs` of their deadline or past
   * it, and expired ones still inside their fallback window. Expired holds past the window are
   * forgotten, so a restart long after an expiry never charges a customer for it.
   */
  due(now: Date, marginMs: number, fallbackWindowMs: number): TrackedHold[] {
    const due: TrackedHold[] = [];
    for (const hold of [...this.holds.values()]) {
      const deadline = Date.parse(hold.captureBefore);
      if (hold.status === 'OPEN' && now.getTime() >= deadline - marginMs) due.push(hold);
      else if (hold.status === 'EXPIRED' && now.getTime() < deadline + fallbackWindowMs) due.push(hold);
      else if (hold.status === 'EXPIRED') this.forget(hold.paymentId);
    }
    return due;
  }

  get size(): number {
    return this.holds.size;
  }

  forget(paymentId: string | undefined): void {
    if (paymentId === undefined || !this.holds.delete(paymentId)) return;
    this.fallbacks.delete(paymentIdFor(fallbackCommandId(paymentId)));
  }
}
