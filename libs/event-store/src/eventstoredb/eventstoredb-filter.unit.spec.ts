// Goal: the port's "any listed type OR any listed category" filter becomes a server-side filter the
// KurrentDB client accepts, plus an exact client-side check, and system events never pass. Method:
// plan filters for each combination, check the filter objects the client will send, and run the
// server's regular expression (JavaScript and .NET agree on this subset) against sample names.
import { EVENT_TYPE, STREAM_NAME } from '@kurrent/kurrentdb-client';
import type { RegexFilter } from '@kurrent/kurrentdb-client';
import { escapeRegex, planFilter } from './eventstoredb-filter.js';

function serverRegex(filter: ReturnType<typeof planFilter>['server']): RegExp {
  return new RegExp((filter as RegexFilter).regex);
}

describe('EventStoreDB filter plan', () => {
  it('filters event types on the server by exact name', () => {
    const plan = planFilter({ eventTypes: ['Charged', 'Charged.v2'] });
    expect(plan.server).toMatchObject({ filterOn: EVENT_TYPE, checkpointInterval: 1 });
    const regex = serverRegex(plan.server);
    expect(['Charged', 'Charged.v2'].every((t) => regex.test(t))).toBe(true);
    expect(['ChargedX', 'Charged-v2', 'XCharged', 'Refunded'].some((t) => regex.test(t))).toBe(false);
    expect(plan.accepts('Charged', 'booking-1')).toBe(true);
    expect(plan.accepts('Charged', '$$booking-1')).toBe(false);
  });

  it('filters categories on the server by stream name, matching the part before the first dash', () => {
    const plan = planFilter({ streamCategories: ['booking'] });
    expect(plan.server).toMatchObject({ filterOn: STREAM_NAME });
    const regex = serverRegex(plan.server);
    expect(['booking-1', 'booking-1-2', 'booking'].every((s) => regex.test(s))).toBe(true);
    expect(['bookings-1', 'xbooking-1', '$ce-booking'].some((s) => regex.test(s))).toBe(false);
    expect(plan.accepts('Anything', 'booking-1')).toBe(true);
    expect(plan.accepts('Anything', 'bookings-1')).toBe(false);
  });

  it('decides "type OR category" in the client when both are listed, the server only dropping system events', () => {
    const plan = planFilter({ eventTypes: ['Charged'], streamCategories: ['customer'] });
    expect(plan.server).toMatchObject({ filterOn: EVENT_TYPE, regex: '^[^$]' });
    expect(plan.accepts('Charged', 'booking-1')).toBe(true);
    expect(plan.accepts('CardSaved', 'customer-1')).toBe(true);
    expect(plan.accepts('CardSaved', 'booking-1')).toBe(false);
    expect(plan.accepts('$metadata', 'customer-1')).toBe(false);
  });

  it('without a filter still leaves out system events and system streams', () => {
    for (const plan of [planFilter(undefined), planFilter({}), planFilter({ eventTypes: [], streamCategories: [] })]) {
      expect(serverRegex(plan.server).test('$statsCollected')).toBe(false);
      expect(plan.accepts('Charged', 'booking-1')).toBe(true);
      expect(plan.accepts('$>', '$ce-booking')).toBe(false);
      expect(plan.accepts('Charged', '$projections-x')).toBe(false);
    }
  });

  it('escapes regular-expression characters in names and refuses malformed lists', () => {
    expect(escapeRegex('a.b*c(d)|e$^[f]\\')).toBe('a\\.b\\*c\\(d\\)\\|e\\$\\^\\[f\\]\\\\');
    const regex = serverRegex(planFilter({ eventTypes: ['Paid (v2)'] }).server);
    expect(regex.test('Paid (v2)')).toBe(true);
    expect(regex.test('Paid v2')).toBe(false);
    expect(() => planFilter({ eventTypes: [''] })).toThrow(RangeError);
    expect(() => planFilter({ streamCategories: 'booking' as never })).toThrow(RangeError);
  });
});
