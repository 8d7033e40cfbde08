import type { CommandContext } from '@ledger/domain';

/** A fixed, valid context, so domain tests only spell out what matters to them. */
export function commandContext(overrides: Partial<CommandContext> = {}): CommandContext {
  return {
    commandId: 'command-1',
    tenant: 'tenant-1',
    actor: { kind: 'API_KEY', id: 'key-1' },
    now: '2025-06-01T12:00:00.000Z',
    ...overrides,
  };
}

type AnyCommand = Readonly<{ type: string; data: object; context: CommandContext }>;

/**
 * A typed command builder for one command union:
 *
 *   const command = commandsOf<BookingCommand>();
 *   command('CompleteBooking', { bookingId: 'b-1' }, { now: '2025-06-02T09:00:00Z' });
 */
export function commandsOf<C extends AnyCommand>() {
  return <T extends C['type']>(
    type: T,
    data: Extract<C, { type: T }>['data'],
    context: Partial<CommandContext> = {},
  ): Extract<C, { type: T }> => ({ type, data, context: commandContext(context) }) as Extract<C, { type: T }>;
}
