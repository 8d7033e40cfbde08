/**
 * `SafeInt`: an integer within JavaScript's safe range (±2^53−1). GraphQL's `Int` stops at
 * 2^31, which a business's yearly takings in cents pass easily, and floats would lose cents.
 */
import { Field, ObjectType } from '@nestjs/graphql';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { Money as DomainMoney } from '@ledger/domain';

function safeInteger(value: unknown): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new GraphQLError('SafeInt must be an integer between -(2^53-1) and 2^53-1', { extensions: { code: 'VALIDATION_FAILED' } });
  }
  return number;
}

export const SafeInt = new GraphQLScalarType({
  name: 'SafeInt',
  description: 'An integer between -(2^53-1) and 2^53-1: amounts in minor units (cents) beyond the 32 bits of Int.',
  serialize: safeInteger,
  parseValue: safeInteger,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT)
      throw new GraphQLError('SafeInt must be an integer literal', {
        extensions: { code: 'VALIDATION_FAILED' },
      });
    return safeInteger(ast.value);
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
