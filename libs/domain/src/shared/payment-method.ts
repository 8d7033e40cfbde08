import { requireIntegerInRange, requirePattern, requireText } from './validation.js';

/** Card payments go through the processor; the method says where the card came from. */
export const cardPaymentMethods = ['CARD_ON_FILE', 'NEW_CARD', 'ONE_TIME_CARD', 'PAYMENT_LINK'] as const;
export type CardPaymentMethod = (typeof cardPaymentMethods)[number];

/** Offline payments are collected outside the system and only recorded here. */
export const offlinePaymentMethods = ['CASH', 'CHECK', 'E_TRANSFER', 'OTHER'] as const;
export type OfflinePaymentMethod = (typeof offlinePaymentMethods)[number];

export type PaymentMethod = CardPaymentMethod | OfflinePaymentMethod;

export function isOfflinePaymentMethod(method: PaymentMethod): method is OfflinePaymentMethod {
  return (offlinePaymentMethods as readonly string[]).includes(method);
}

/** Display data only: a card number never enters the ledger, not even in a command. */
export type CardDisplay = Readonly<{ brand: string; last4: string; expMonth: number; expYear: number }>;

/** Checks display data wherever a card is described; `prefix` names the field path in errors. */
export function requireCardDisplay(card: CardDisplay, prefix = ''): void {
  requireText(card.brand, `${prefix}brand`, 32);
  requirePattern(card.last4, /^\d{4}$/, `${prefix}last4`, 'four digits');
  requireIntegerInRange(card.expMonth, `${prefix}expMonth`, 1, 12);
  requireIntegerInRange(card.expYear, `${prefix}expYear`, 2000, 9999);
}
