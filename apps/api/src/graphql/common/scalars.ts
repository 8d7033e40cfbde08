/**
 * `SafeInt`: an integer within JavaScript's safe range (±2^53−1). GraphQL's `Int` stops at
 * 2^31, which a business's yearly takings in cents pass easily, and floats would lose cents.
 *
 * Input is an integer literal or a JSON number, nothing else: a digit string such as "100" is a
 * type error, as it is for `Int`, so a client bug that sends text is found, not guessed at.
 * Output never rounds: resolvers sum exactly and refuse a total beyond the range by name
 * (`moneyFromExact`); should any other value get here, it is refused too.
 */
import { Field, ObjectType } from '@nestjs/graphql';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DomainError, MAX_AMOUNT_MINOR, safeMinor } from '@ledger/domain';
import type { Money as DomainMoney } from '@ledger/domain';

const RANGE = 'an integer between -(2^53-1) and 2^53-1';

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function parseSafeInt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new GraphQLError(`SafeInt cannot represent ${shown(value)}: it must be ${RANGE}, given as a number`, {
      extensions: { code: 'VALIDATION_FAILED' },
    });
  }
  return value;
}

function serializeSafeInt(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'bigint' || Number.isInteger(value)) {
    throw new DomainError('AMOUNT_OUT_OF_RANGE', `${shown(value)} is beyond what SafeInt answers exactly (2^53-1)`);
  }
  // A fraction or a non-number in a read model is a bug of ours, not an answer: it is logged.
  throw new Error(`SafeInt cannot serialize ${shown(value)}`);
}

export const SafeInt = new GraphQLScalarType({
  name: 'SafeInt',
  description: `An integer between -(2^53-1) and 2^53-1: amounts in minor units (cents) beyond the 32 bits of Int. Given as an integer literal or a JSON number; a string such as "100" is refused. One amount a mutation moves is at most ${MAX_AMOUNT_MINOR} (10^12).`,
  serialize: serializeSafeInt,
  parseValue: parseSafeInt,
  parseLiteral(ast) {
    // A literal beyond the range rounds to at least 2^53, which is not safe: it cannot slip in rounded.
    if (ast.kind !== Kind.INT || !Number.isSafeInteger(Number(ast.value))) {
      throw new GraphQLError(`SafeInt must be ${RANGE} literal`, { extensions: { code: 'VALIDATION_FAILED' } });
    }
    return Number(ast.value);
  },
});

@ObjectType({
  description: 'An amount of money in integer minor units (cents), never a float.',
})
export class Money {
  @Field(() => SafeInt)
  amountMinor!: number;

  @Field({ description: 'ISO 4217 code, e.g. CAD' })
  currency!: string;
}

export function toMoney(money: DomainMoney): Money {
  return { amountMinor: money.amountMinor, currency: money.currency };
}

/**
 * A total summed exactly (a bigint) as Money, or AMOUNT_OUT_OF_RANGE naming the field when it
 * is beyond 2^53-1: refused, never rounded. With at most MAX_AMOUNT_MINOR per amount, that takes
 * more than 9,007 maximal amounts in one total.
 */
export function moneyFromExact(totalMinor: bigint, currency: string, field: string): Money {
  return { amountMinor: safeMinor(totalMinor, field), currency };
}
