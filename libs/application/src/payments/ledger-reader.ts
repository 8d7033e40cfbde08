/**
 * Loads the aggregates a payment process consults, scoped to the command's tenant, with the
 * errors a caller expects when one is missing.
 */
import { Injectable } from '@nestjs/common';
import { DomainError, bookingDecider, customerDecider, paymentDecider, streamName, tenantDecider } from '@ledger/domain';
import type { Booking, Customer, Payment, Tenant } from '@ledger/domain';
import type { ProcessorAccount } from '@ledger/payments';
import { DecisionRunner } from '../decision-runner.js';

@Injectable()
export class LedgerReader {
  constructor(private readonly runner: DecisionRunner) {}

  async tenant(tenantId: string): Promise<Tenant> {
    const { state } = await this.runner.load(streamName.tenant(tenantId), tenantDecider, tenantId);
    if (state.status === 'NONE') throw new DomainError('NOT_FOUND', `Tenant ${tenantId} does not exist`, { tenantId });
    return state;
  }

  async customer(tenantId: string, customerId: string): Promise<Customer> {
    const { state } = await this.runner.load(streamName.customer(customerId), customerDecider, tenantId);
    if (state.status === 'NONE') throw new DomainError('NOT_FOUND', `Customer ${customerId} does not exist`, { customerId });
    return state;
  }

  async booking(tenantId: string, bookingId: string): Promise<Booking> {
    const { state } = await this.runner.load(streamName.booking(bookingId), bookingDecider, tenantId);
    if (state.status === 'NONE') throw new DomainError('NOT_FOUND', `Booking ${bookingId} does not exist`, { bookingId });
    return state;
  }

  async paymentIfAny(tenantId: string, paymentId: string): Promise<Payment | undefined> {
    const { state } = await this.runner.load(streamName.payment(paymentId), paymentDecider, tenantId);
    return state.status === 'NONE' ? undefined : state;
  }

  async payment(tenantId: string, paymentId: string): Promise<Payment> {
    const { state } = await this.runner.load(streamName.payment(paymentId), paymentDecider, tenantId);
    if (state.status === 'NONE') throw new DomainError('NOT_FOUND', `Payment ${paymentId} does not exist`, { paymentId });
    return state;
  }
}

/** The processor account every new card call of this tenant is made on behalf of. */
export function processorAccountOf(tenant: Tenant): ProcessorAccount {
  return tenant.stripe.state === 'NOT_CONNECTED' ? {} : { accountId: tenant.stripe.accountId };
}

/**
 * The account a payment was made on, which every call about it must go to: a tenant that connects
 * another account later still has its earlier payments (and their holds and refunds) on the first.
 * An intent recorded before the account was kept falls back to the tenant's current account.
 */
export function paymentAccountOf(payment: Payment, tenant: Tenant): ProcessorAccount {
  return payment.processorAccountId !== null ? { accountId: payment.processorAccountId } : processorAccountOf(tenant);
}
