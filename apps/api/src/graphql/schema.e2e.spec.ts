// Goal: the SDL in git (apps/api/schema.graphql) is exactly what the code serves, and it has
// every name of the public contract.
// Method: build the app, print its schema, compare with the file. UPDATE_SCHEMA=1 rewrites the
// file instead (that is what `npm run schema:export` does).
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { SCHEMA_FILE, schemaSdl } from './schema-sdl.js';

const CONTRACT_MUTATIONS = [
  'registerCustomer',
  'createBooking',
  'completeBooking',
  'cancelBooking',
  'saveCard',
  'removeCard',
  'authorizePayment',
  'capturePayment',
  'releaseAuthorization',
  'chargeBooking',
  'chargeCustomer',
  'recordOfflinePayment',
  'refundPayment',
  'sendPaymentLink',
  'requestCard',
  'updatePaymentSettings',
  'connectStripeAccount',
];
const CONTRACT_QUERIES = ['paymentSettings', 'booking', 'bookings', 'customer', 'payments', 'collectionsReport', 'receivables', 'auditTrail'];

describe('the exported GraphQL schema', () => {
  let api: TestApi;
  let sdl: string;
  beforeAll(async () => {
    api = await startTestApi();
    sdl = schemaSdl(api.app.get(GraphQLSchemaHost).schema);
  });
  afterAll(async () => {
    await api.close();
  });

  it('matches apps/api/schema.graphql', () => {
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, sdl);
    expect(existsSync(SCHEMA_FILE)).toBe(true);
    // On failure: run `npm run schema:export` and commit the file with the change.
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(sdl);
  });

  it('has every operation and type name of the contract', () => {
    const schema = api.app.get(GraphQLSchemaHost).schema;
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(expect.arrayContaining(CONTRACT_MUTATIONS));
    expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(expect.arrayContaining(CONTRACT_QUERIES));
    expect(sdl).toMatch(/type Money \{\n\s+amountMinor: SafeInt!\n[^}]*currency: String!\n\}/);
    for (const field of [
      'id',
      'customer',
      'description',
      'serviceDate',
      'status',
      'paymentStatus',
      'total',
      'paid',
      'authorized',
      'refunded',
      'balance',
      'payments',
    ]) {
      expect(Object.keys((schema.getType('Booking') as import('graphql').GraphQLObjectType).getFields())).toContain(field);
    }
  });
});
