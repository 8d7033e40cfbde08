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
}

export interface Configuration {
  readonly environment: 'development' | 'production' | 'test';
  readonly dataDir: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly eventStore: { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'eventstoredb'; readonly url: string };
  readonly mongodbUrl: string | undefined;
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
  };
}
