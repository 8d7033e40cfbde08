/**
 * The ledger's configuration, read from the environment once at start-up and validated, so a
 * bad value stops the process with a message naming the variable instead of failing later.
 * Nothing set means the embedded defaults: SQLite files under DATA_DIR, the sandbox card
 * processor, e-mails written to DATA_DIR/outbox.
 */
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, validateSync } from 'class-validator';
import { resolve } from 'node:path';

const blankToUndefined = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

class Environment {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @IsString()
  @Transform(blankToUndefined)
  DATA_DIR?: string;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt({ message: 'PORT must be an integer between 1 and 65535' })
  @Min(1, { message: 'PORT must be an integer between 1 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 1 and 65535' })
  PORT?: number;

  @IsOptional()
  @Transform(blankToUndefined)
  @Matches(/^(esdb|kurrentdb|kurrent|esdb\+discover|kurrentdb\+discover):\/\/.+/, {
    message: 'EVENTSTOREDB_URL must be a connection string such as kurrentdb://localhost:2113?tls=false',
  })
  EVENTSTOREDB_URL?: string;

  @IsOptional()
  @Transform(blankToUndefined)
  @Matches(/^mongodb(\+srv)?:\/\/.+/, { message: 'MONGODB_URL must be a mongodb:// or mongodb+srv:// URL' })
  MONGODB_URL?: string;

  @IsOptional()
  @Transform(blankToUndefined)
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'PUBLIC_URL must be an absolute URL such as https://pay.example.com' })
  PUBLIC_URL?: string;

  @IsOptional()
  @Transform(blankToUndefined)
  @Matches(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, { message: 'STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_..., sk_live_...)' })
  STRIPE_SECRET_KEY?: string;

  @IsOptional()
  @Transform(blankToUndefined)
  @Matches(/^whsec_[A-Za-z0-9_]+$/, { message: 'STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_...)' })
  STRIPE_WEBHOOK_SECRET?: string;

  @IsOptional()
  @Transform(blankToUndefined)
  @Matches(/^[A-Za-z0-9.-]+$/, { message: 'STRIPE_API_HOST must be a host name such as localhost' })
  STRIPE_API_HOST?: string;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt({ message: 'STRIPE_API_PORT must be an integer between 1 and 65535' })
  @Min(1, { message: 'STRIPE_API_PORT must be an integer between 1 and 65535' })
  @Max(65535, { message: 'STRIPE_API_PORT must be an integer between 1 and 65535' })
  STRIPE_API_PORT?: number;

  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(['http', 'https'], { message: 'STRIPE_API_PROTOCOL must be http or https' })
  STRIPE_API_PROTOCOL?: string;
}

export interface Configuration {
  readonly environment: 'development' | 'production' | 'test';
  readonly dataDir: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly eventStore: { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'eventstoredb'; readonly url: string };
  readonly mongodbUrl: string | undefined;
  readonly payments:
    | { readonly kind: 'sandbox'; readonly file: string }
    | {
        readonly kind: 'stripe';
        readonly secretKey: string;
        readonly webhookSecret: string | undefined;
        readonly host?: string;
        readonly port?: number;
        readonly protocol?: 'http' | 'https';
      };
}

export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** Reads and validates the configuration; throws ConfigurationError naming each bad variable. */
export function loadConfiguration(env: NodeJS.ProcessEnv = process.env): Configuration {
  const parsed = plainToInstance(Environment, { ...env }, { excludeExtraneousValues: false });
  const errors = validateSync(parsed, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigurationError(errors.flatMap((e) => Object.values(e.constraints ?? { invalid: `${e.property} is invalid` })));
  }
  const dataDir = resolve(parsed.DATA_DIR ?? './data');
  const port = parsed.PORT ?? 3000;
  return {
    environment: (parsed.NODE_ENV as Configuration['environment'] | undefined) ?? 'development',
    dataDir,
    port,
    publicUrl: parsed.PUBLIC_URL ?? `http://localhost:${port}`,
    eventStore: parsed.EVENTSTOREDB_URL
      ? { kind: 'eventstoredb', url: parsed.EVENTSTOREDB_URL }
      : { kind: 'sqlite', file: resolve(dataDir, 'events.db') },
    mongodbUrl: parsed.MONGODB_URL,
    payments: parsed.STRIPE_SECRET_KEY
      ? {
          kind: 'stripe',
          secretKey: parsed.STRIPE_SECRET_KEY,
          webhookSecret: parsed.STRIPE_WEBHOOK_SECRET,
          ...(parsed.STRIPE_API_HOST ? { host: parsed.STRIPE_API_HOST } : {}),
          ...(parsed.STRIPE_API_PORT ? { port: parsed.STRIPE_API_PORT } : {}),
          ...(parsed.STRIPE_API_PROTOCOL ? { protocol: parsed.STRIPE_API_PROTOCOL as 'http' | 'https' } : {}),
        }
      : { kind: 'sandbox', file: resolve(dataDir, 'sandbox-processor.db') },
  };
}
