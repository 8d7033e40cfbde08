/** The API keys an administrator manages: what a key is for and whether it still works, never its secret. */
import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../common/pagination.js';

export enum ApiKeyRole {
  ADMIN = 'ADMIN',
  STAFF = 'STAFF',
  AUDITOR = 'AUDITOR',
  REPORTER = 'REPORTER',
}
export enum ApiKeyStatus {
  ACTIVE = 'ACTIVE',
  REVOKED = 'REVOKED',
}
registerEnumType(ApiKeyRole, {
  name: 'ApiKeyRole',
  description:
    'ADMIN does everything; STAFF runs the day (no refunds, settings or keys); AUDITOR reads everything and changes nothing; REPORTER reads reports only.',
});
registerEnumType(ApiKeyStatus, { name: 'ApiKeyStatus', description: 'REVOKED keys are refused and never work again.' });

@ObjectType({ description: 'An API key of this business: its id and role, never its secret or the hash of it.' })
export class ApiKey {
  @Field(() => ID, { description: 'The part of the key after `lk_` and before the secret.' }) id!: string;
  @Field(() => ApiKeyRole) role!: ApiKeyRole;
  @Field(() => String, { nullable: true }) label!: string | null;
  @Field({ description: 'ISO-8601 instant.' }) createdAt!: string;
  @Field(() => ApiKeyStatus) status!: ApiKeyStatus;
  @Field(() => String, { nullable: true, description: 'ISO-8601 instant; null while the key is active.' }) revokedAt!: string | null;
}

export const ApiKeyConnection = Connection(ApiKey, 'ApiKey');
