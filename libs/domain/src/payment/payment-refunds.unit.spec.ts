// Goal: refunds, full or partial and repeated, never return more than was taken, counting
// refunds still in flight, and each outcome is recorded once.
// Method: given/when/then on the payment decider; assert the events or the rejection code.
import { type PaymentCommand, paymentDecider } from '@ledger/domain';
import { cad, commandsOf, decider, paymentGiven } from '@ledger/testing';

const { authorized, charged, initiated, paymentId, refundFailed, refundRequested, refunded } = paymentGiven;
const command = commandsOf<PaymentCommand>();
const spec = decider(paymentDecider);
const taken = [initiated(), charged(10_000)];

const request = (refundId: string, amountMinor: number) =>
  command('RequestRefund', { paymentId, refundId, amount: cad(amountMinor) });
const record = (refundId: string, amountMinor: number, processorRefundId: string | null = `re_${refundId}`) =>
  command('RecordRefund', {
    paymentId,
    refundId,
    amount: cad(amountMinor),
    ...(processorRefundId === null ? {} : { processorRefundId }),
  });

describe('RequestRefund', () => {
  it('records a partial refund request with its reason', () => {
    spec
      .given(taken)
      .when(command('RequestRefund', { paymentId, refundId: 'r-1', amount: cad(2_500), reason: 'Missed a room' }))
      .then([
        { type: 'RefundRequested', data: { paymentId, refundId: 'r-1', amount: cad(2_500), reason: 'Missed a room' } },
      ]);
  });

  it('allows several partial refunds up to what was taken, and not one cent more', () => {
    const twoDone = [
      ...taken,
      refundRequested('r-1', 3_000),
      refunded('r-1', 3_000),
      refundRequested('r-2', 5_000),
      refunded('r-2', 5_000),
    ];
    spec
      .given(twoDone)
      .when(request('r-3', 2_000))
      .then([refundRequested('r-3', 2_000)]);
    spec
      .given([...twoDone, refundRequested('r-3', 2_000), refunded('r-3', 2_000)])
      .when(request('r-4', 1))
      .thenRejects('AMOUNT_EXCEEDS_REFUNDABLE', { refundableMinor: 0 });
  });

  it('counts refunds still in flight against what is refundable', () => {
    spec
      .given([...taken, refundRequested('r-1', 7_000)])
      .when(request('r-2', 3_001))
      .thenRejects('AMOUNT_EXCEEDS_REFUNDABLE', { refundableMinor: 3_000 });
  });

  it('frees the amount of a failed refund', () => {
    spec
      .given([...taken, refundRequested('r-1', 7_000), refundFailed('r-1')])
      .when(request('r-2', 10_000))
      .then([refundRequested('r-2', 10_000)]);
  });

  it('limits a partially captured hold to what was captured', () => {
    spec
      .given([initiated({ capture: 'MANUAL' }), authorized(10_000), charged(6_000)])
      .when(request('r-1', 6_001))
      .thenRejects('AMOUNT_EXCEEDS_REFUNDABLE', { refundableMinor: 6_000 });
  });

  it('is a no-op for the same request twice, and rejects the refund id reused with another amount', () => {
    spec
      .given([...taken, refundRequested('r-1', 3_000)])
      .when(request('r-1', 3_000))
      .then([]);
    spec
      .given([...taken, refundRequested('r-1', 3_000)])
      .when(request('r-1', 4_000))
      .thenRejects('ALREADY_EXISTS');
  });

  it('rejects refunding a payment that took no money', () => {
    spec.given([initiated()]).when(request('r-1', 100)).thenRejects('INVALID_STATE');
    spec
      .given([initiated({ capture: 'MANUAL' }), authorized()])
      .when(request('r-1', 100))
      .thenRejects('INVALID_STATE');
  });

  it('rejects a zero amount and an unknown payment', () => {
    spec.given(taken).when(request('r-1', 0)).thenRejects('INVALID_AMOUNT');
    spec.given([]).when(request('r-1', 100)).thenRejects('NOT_FOUND');
  });
});

describe('RecordRefund', () => {
  it('records the outcome of a requested refund, once', () => {
    spec
      .given([...taken, refundRequested('r-1', 3_000)])
      .when(record('r-1', 3_000))
      .then([refunded('r-1', 3_000)]);
    spec
      .given([...taken, refundRequested('r-1', 3_000), refunded('r-1', 3_000)])
      .when(record('r-1', 3_000))
      .then([]);
  });

  it('records a refund made outside the ledger, within what is refundable', () => {
    spec
      .given(taken)
      .when(record('r-ext', 10_000))
      .then([refunded('r-ext', 10_000)]);
    spec
      .given([...taken, refunded('r-1', 9_000)])
      .when(record('r-ext', 1_001))
      .thenRejects('AMOUNT_EXCEEDS_REFUNDABLE');
  });

  it('rejects an outcome whose amount differs from the request', () => {
    spec
      .given([...taken, refundRequested('r-1', 3_000)])
      .when(record('r-1', 2_000))
      .thenRejects('VALIDATION_FAILED');
  });

  it('rejects a card refund without the processor refund id', () => {
    spec
      .given([...taken, refundRequested('r-1', 3_000)])
      .when(record('r-1', 3_000, null))
      .thenRejects('VALIDATION_FAILED');
  });

  it('rejects success after the refund failed', () => {
    spec
      .given([...taken, refundRequested('r-1', 3_000), refundFailed('r-1')])
      .when(record('r-1', 3_000))
      .thenRejects('INVALID_STATE');
  });
});

describe('RecordRefundFailure', () => {
  const failure = command('RecordRefundFailure', { paymentId, refundId: 'r-1', failureCode: 'charge_disputed' });

  it('records the failure, once', () => {
    spec
      .given([...taken, refundRequested('r-1', 3_000)])
      .when(failure)
      .then([refundFailed('r-1')]);
    spec
      .given([...taken, refundRequested('r-1', 3_000), refundFailed('r-1')])
      .when(failure)
      .then([]);
  });

  it('rejects a failure after success, and an unknown refund', () => {
    spec
      .given([...taken, refundRequested('r-1', 3_000), refunded('r-1', 3_000)])
      .when(failure)
      .thenRejects('INVALID_STATE');
    spec.given(taken).when(failure).thenRejects('NOT_FOUND');
  });
});
