// Goal: disputes reported by the processor are recorded once each, in whatever order the
// reports arrive, only against card money actually taken, and hold their amount out of refunds.
// Method: given/when/then on the payment decider; assert the events or the rejection code.
import { type PaymentCommand, paymentDecider } from '@ledger/domain';
import { cad, commandsOf, decider, paymentGiven } from '@ledger/testing';

const { cashCollected, charged, disputeClosed, disputeOpened, initiated, paymentId, refundRequested } = paymentGiven;
const command = commandsOf<PaymentCommand>();
const spec = decider(paymentDecider);
const taken = [initiated(), charged(10_000)];

const open = (disputeId: string, amountMinor: number, evidenceDueBy?: string) =>
  command('RecordDisputeOpened', {
    paymentId,
    disputeId,
    amount: cad(amountMinor),
    reason: 'fraudulent',
    ...(evidenceDueBy === undefined ? {} : { evidenceDueBy }),
  });
const close = (disputeId: string, outcome: 'WON' | 'LOST', amountMinor: number) =>
  command('RecordDisputeClosed', { paymentId, disputeId, outcome, amount: cad(amountMinor), reason: 'fraudulent' });

describe('RecordDisputeOpened', () => {
  it('records a dispute on a captured card payment, with its evidence deadline', () => {
    spec
      .given(taken)
      .when(open('dp_1', 10_000, '2025-06-20T23:59:59.000Z'))
      .then([
        {
          type: 'DisputeOpened',
          data: { paymentId, disputeId: 'dp_1', amount: cad(10_000), reason: 'fraudulent', evidenceDueBy: '2025-06-20T23:59:59.000Z' },
        },
      ]);
  });

  it('is a no-op when the same dispute is reported again, even after it closed', () => {
    spec.given([...taken, disputeOpened('dp_1', 10_000)]).when(open('dp_1', 10_000)).then([]);
    spec
      .given([...taken, disputeOpened('dp_1', 10_000), disputeClosed('dp_1', 'WON', 10_000)])
      .when(open('dp_1', 10_000))
      .then([]);
  });

  it('rejects a dispute of money never taken by card, or of more than was captured', () => {
    spec.given([initiated()]).when(open('dp_1', 100)).thenRejects('INVALID_STATE');
    spec.given([cashCollected()]).when(open('dp_1', 100)).thenRejects('INVALID_STATE');
    spec.given(taken).when(open('dp_1', 10_001)).thenRejects('VALIDATION_FAILED', { capturedMinor: 10_000 });
    spec.given([]).when(open('dp_1', 100)).thenRejects('NOT_FOUND');
  });
});

describe('RecordDisputeClosed', () => {
  it('closes an open dispute as won or lost, once', () => {
    spec
      .given([...taken, disputeOpened('dp_1', 10_000)])
      .when(close('dp_1', 'LOST', 10_000))
      .then([disputeClosed('dp_1', 'LOST', 10_000)]);
    spec
      .given([...taken, disputeOpened('dp_1', 10_000), disputeClosed('dp_1', 'WON', 10_000)])
      .when(close('dp_1', 'WON', 10_000))
      .then([]);
  });

  it('records the opening too when the close is reported first', () => {
    spec
      .given(taken)
      .when(close('dp_1', 'WON', 4_000))
      .then([disputeOpened('dp_1', 4_000), disputeClosed('dp_1', 'WON', 4_000)]);
  });

  it('rejects a second, contradicting outcome', () => {
    spec
      .given([...taken, disputeOpened('dp_1', 10_000), disputeClosed('dp_1', 'WON', 10_000)])
      .when(close('dp_1', 'LOST', 10_000))
      .thenRejects('INVALID_STATE');
  });
});

describe('disputes and refunds', () => {
  const refund = (amountMinor: number) =>
    command('RequestRefund', { paymentId, refundId: 'r-1', amount: cad(amountMinor) });

  it('holds an open or lost dispute out of what is refundable', () => {
    spec
      .given([...taken, disputeOpened('dp_1', 6_000)])
      .when(refund(4_001))
      .thenRejects('AMOUNT_EXCEEDS_REFUNDABLE', { refundableMinor: 4_000 });
    spec
      .given([...taken, disputeOpened('dp_1', 6_000), disputeClosed('dp_1', 'LOST', 6_000)])
      .when(refund(4_001))
      .thenRejects('AMOUNT_EXCEEDS_REFUNDABLE', { refundableMinor: 4_000 });
  });

  it('frees the amount of a won dispute', () => {
    spec
      .given([...taken, disputeOpened('dp_1', 6_000), disputeClosed('dp_1', 'WON', 6_000)])
      .when(refund(10_000))
      .then([refundRequested('r-1', 10_000)]);
  });
});
