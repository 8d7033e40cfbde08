/**
 * The exported SDL (`apps/api/schema.graphql`): the contract clients are built against, kept in
 * git. It is printed from the schema the code builds, sorted, so a change to a resolver shows
 * up as a diff of this file in review.
 */
import { printSchema } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { fileURLToPath } from 'node:url';

export const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

export function schemaSdl(schema: GraphQLSchema): string {
  return `# The ledger's GraphQL API. Generated from the code: npm run schema:export\n# (a test fails when this file and the code differ).\n\n${printSchema(schema)}\n`;
}
