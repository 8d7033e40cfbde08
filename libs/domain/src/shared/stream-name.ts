import { DomainError } from './domain-error.js';

/**
 * Stream categories never contain a dash, because EventStoreDB's `$ce-<category>` projection
 * splits the stream name at the first dash; ids may contain dashes (UUIDs do).
 */
export const streamCategories = {
  tenant: 'tenant',
  customer: 'customer',
  booking: 'booking',
  payment: 'payment',
  paymentLink: 'paymentlink',
  notification: 'notification',
} as const;

export type StreamCategory = (typeof streamCategories)[keyof typeof streamCategories];

function named(category: StreamCategory) {
  return (id: string): string => {
    if (typeof id !== 'string' || id.trim() === '') {
      throw new DomainError('VALIDATION_FAILED', `a ${category} stream needs a non-empty id`, { category });
    }
    return `${category}-${id}`;
  };
}

export const streamName = {
  tenant: named(streamCategories.tenant),
  customer: named(streamCategories.customer),
  booking: named(streamCategories.booking),
  payment: named(streamCategories.payment),
  paymentLink: named(streamCategories.paymentLink),
  notification: named(streamCategories.notification),
} as const;

/** Splits a stream name back into category and id, for projections and audits. */
export function parseStreamName(name: string): { category: StreamCategory; id: string } {
  const dash = name.indexOf('-');
  const category = name.slice(0, dash);
  const id = name.slice(dash + 1);
  const known = Object.values(streamCategories) as string[];
  if (dash <= 0 || id === '' || !known.includes(category)) {
    throw new DomainError('VALIDATION_FAILED', `not a ledger stream name: ${name}`, { stream: name });
  }
  return { category: category as StreamCategory, id };
}
