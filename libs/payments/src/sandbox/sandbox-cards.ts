/**
 * The card tokens the sandbox understands: Stripe's documented test payment methods, so that the
 * same tokens behave the same way in the sandbox, in Stripe's test mode and in the product's
 * documentation. Any other token is unknown to the sandbox, as it would be to Stripe.
 *
 * Every sandbox card expires 12/2034. Stripe accepts any future expiry for its test cards; a
 * fixed one keeps the sandbox deterministic and stays valid for years.
 */
import type { CardDisplay } from '../payment-gateway.types.js';

export interface SandboxDecline {
  readonly failureCode: string;
  readonly declineCode?: string;
  readonly message: string;
}

export interface SandboxCard {
  readonly display: CardDisplay;
  /** Set when charging this card is declined. */
  readonly declineOnCharge?: SandboxDecline;
  /** Stripe verifies a card when it is saved; most declining test cards fail there already. */
  readonly declineOnSave?: SandboxDecline;
}

export const SANDBOX_CARD_EXPIRY = { expMonth: 12, expYear: 2034 } as const;

const genericDecline: SandboxDecline = {
  failureCode: 'card_declined',
  declineCode: 'generic_decline',
  message: 'Your card was declined.',
};

function display(brand: string, last4: string): CardDisplay {
  return { brand, last4, ...SANDBOX_CARD_EXPIRY };
}

function succeeding(brand: string, last4: string): SandboxCard {
  return { display: display(brand, last4) };
}

function declining(last4: string, decline: SandboxDecline): SandboxCard {
  return { display: display('visa', last4), declineOnCharge: decline, declineOnSave: decline };
}

const cards: Readonly<Record<string, SandboxCard>> = {
  pm_card_visa: succeeding('visa', '4242'),
  pm_card_mastercard: succeeding('mastercard', '4444'),
  pm_card_amex: succeeding('amex', '8431'),
  pm_card_discover: succeeding('discover', '1117'),
  pm_card_chargeDeclined: declining('0002', genericDecline),
  pm_card_chargeDeclinedInsufficientFunds: declining('9995', {
    failureCode: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  }),
  pm_card_chargeDeclinedExpiredCard: declining('0069', {
    failureCode: 'expired_card',
    message: 'Your card has expired.',
  }),
  pm_card_chargeDeclinedIncorrectCvc: declining('0127', {
    failureCode: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
  }),
  pm_card_chargeDeclinedFraudulent: declining('0019', {
    failureCode: 'card_declined',
    declineCode: 'fraudulent',
    message: 'Your card was declined.',
  }),
  pm_card_chargeDeclinedProcessingError: declining('0119', {
    failureCode: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  }),
  // Stripe documents this card as "attaching succeeds, charging fails", which is exactly the
  // case a card on file must handle months after it was saved.
  pm_card_chargeCustomerFail: { display: display('visa', '0341'), declineOnCharge: genericDecline },
};

export function sandboxCard(token: string): SandboxCard | undefined {
  return Object.hasOwn(cards, token) ? cards[token] : undefined;
}

export const sandboxCardTokens: readonly string[] = Object.keys(cards);
