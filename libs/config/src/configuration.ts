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
const toMilliseconds = ({ value }: { value: unknown }): unknown => (value === undefined || value === '' ? undefined : Number(value));
const MONGODB_TIMEOUT_MESSAGE = (name: string): string => `${name} must be a whole number of milliseconds from 100 to 600000`;

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
  @Transform(toMilliseconds)
  @IsInt({ message: MONGODB_TIMEOUT_MESSAGE('MONGODB_OPERATION_TIMEOUT_MS') })
  @Min(100, { message: MONGODB_TIMEOUT_MESSAGE('MONGODB_OPERATION_TIMEOUT_MS') })
  @Max(600_000, { message: MONGODB_TIMEOUT_MESSAGE('MONGODB_OPERATION_TIMEOUT_MS') })
  MONGODB_OPERATION_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toMilliseconds)
  @IsInt({ message: MONGODB_TIMEOUT_MESSAGE('MONGODB_SOCKET_TIMEOUT_MS') })
  @Min(100, { message: MONGODB_TIMEOUT_MESSAGE('MONGODB_SOCKET_TIMEOUT_MS') })
  @Max(600_000, { message: MONGODB_TIMEOUT_MESSAGE('MONGODB_SOCKET_TIMEOUT_MS') })
  MONGODB_SOCKET_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toMilliseconds)
  @IsInt({ message: MONGODB_TIMEOUT_MESSAGE('MONGODB_SERVER_SELECTION_TIMEOUT_MS') })
  @Min(100, { message: MONGODB_TIMEOUT_MESSAGE('MONGODB_SERVER_SELECTION_TIMEOUT_MS') })
  @Max(600_000, { message: MONGODB_TIMEOUT_MESSAGE('MONGODB_SERVER_SELECTION_TIMEOUT_MS') })
  MONGODB_SERVER_SELECTION_TIMEOUT_MS?: number;

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
  @Matches(/^\s*whsec_[A-Za-z0-9_]+\s*(,\s*whsec_[A-Za-z0-9_]+\s*)*$/, {
    message: 'STRIPE_WEBHOOK_SECRETS must be webhook signing secrets separated by commas (whsec_...,whsec_...)',
  })
  STRIPE_WEBHOOK_SECRETS?: string;

  @IsOptional()
  @Transform(blankToUndefined)
  @Matches(/^pk_(test|live)_[A-Za-z0-9_]+$/, { message: 'STRIPE_PUBLISHABLE_KEY must be a Stripe publishable key (pk_test_..., pk_live_...)' })
  STRIPE_PUBLISHABLE_KEY?: string;

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

  @IsOptional()
  @Transform(blankToUndefined)
  @Matches(/^smtps?:\/\/[^\s/?#]+(?::\d+)?(?:[/?#]\S*)?$/, {
    message: 'SMTP_URL must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example.com:587',
  })
  SMTP_URL?: string;

  @IsOptional()
  @Transform(blankToUndefined)
  @Matches(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/, {
    message: 'MAIL_FROM must be an e-mail address, optionally with a name: "Sparkle Payments <payments@example.com>"',
  })
  MAIL_FROM?: string;
}

/**
 * A Stripe webhook signing secret and the name logs give it (never the secret): each webhook
 * endpoint has its own, so the platform's endpoint and the Connect endpoint need one each.
 */
export interface WebhookSecret {
  /** `STRIPE_WEBHOOK_SECRET`, or `STRIPE_WEBHOOK_SECRETS[i]` for the i-th of the list. */
  readonly label: string;
  readonly secret: string;
}

export interface Configuration {
  readonly environment: 'development' | 'production' | 'test';
  readonly dataDir: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly eventStore: { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'eventstoredb'; readonly url: string };
  readonly mongodbUrl: string | undefined;
  /**
   * Bounds on every MongoDB operation, only those set (the read store fills in its defaults):
   * server-side per operation and majority wait, client-side per round trip, server selection.
   */
  readonly mongodbTimeouts: { readonly operationMs?: number; readonly socketMs?: number; readonly serverSelectionMs?: number };
  readonly payments:
    // The sandbox sends no webhooks itself, but signing secrets let tests and tools post signed events.
    | { readonly kind: 'sandbox'; readonly file: string; readonly webhookSecrets: readonly WebhookSecret[] }
    | {
        readonly kind: 'stripe';
        readonly secretKey: string;
        /** Every secret a webhook may be signed with; empty: webhooks are not configured. */
        readonly webhookSecrets: readonly WebhookSecret[];
        /** For Stripe.js on the customer pages; without it they say card entry is unavailable. */
        readonly publishableKey?: string;
        readonly host?: string;
        readonly port?: number;
        readonly protocol?: 'http' | 'https';
      };
  readonly mail: {
    /** SMTP when SMTP_URL is set; otherwise `.eml` files in DATA_DIR/outbox. */
    readonly transport: { readonly kind: 'smtp'; readonly url: string } | { readonly kind: 'outbox'; readonly dir: string };
    /** The sender of every e-mail, `Name <address>` or a bare address. */
    readonly from: string;
  };
}

/** Good enough for files nobody receives; a real mail server needs a real sender (MAIL_FROM). */
export const DEFAULT_MAIL_FROM = 'Payments <payments@ledger.localhost>';

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
  if (parsed.SMTP_URL && !parsed.MAIL_FROM) {
    // A made-up sender is refused or sent to spam by real mail servers, so it is not defaulted.
    throw new ConfigurationError(['MAIL_FROM is required when SMTP_URL is set, e.g. "Sparkle Payments <payments@example.com>"']);
  }
  const dataDir = resolve(parsed.DATA_DIR ?? './data');
  const port = parsed.PORT ?? 3000;
  const webhookSecrets = webhookSecretsOf(parsed.STRIPE_WEBHOOK_SECRET, parsed.STRIPE_WEBHOOK_SECRETS);
  return {
    environment: (parsed.NODE_ENV as Configuration['environment'] | undefined) ?? 'development',
    dataDir,
    port,
    publicUrl: parsed.PUBLIC_URL ?? `http://localhost:${port}`,
    eventStore: parsed.EVENTSTOREDB_URL
      ? { kind: 'eventstoredb', url: parsed.EVENTSTOREDB_URL }
      : { kind: 'sqlite', file: resolve(dataDir, 'events.db') },
    mongodbUrl: parsed.MONGODB_URL,
    mongodbTimeouts: {
      ...(parsed.MONGODB_OPERATION_TIMEOUT_MS ? { operationMs: parsed.MONGODB_OPERATION_TIMEOUT_MS } : {}),
      ...(parsed.MONGODB_SOCKET_TIMEOUT_MS ? { socketMs: parsed.MONGODB_SOCKET_TIMEOUT_MS } : {}),
      ...(parsed.MONGODB_SERVER_SELECTION_TIMEOUT_MS ? { serverSelectionMs: parsed.MONGODB_SERVER_SELECTION_TIMEOUT_MS } : {}),
    },
    payments: parsed.STRIPE_SECRET_KEY
      ? {
          kind: 'stripe',
          secretKey: parsed.STRIPE_SECRET_KEY,
          webhookSecrets,
          ...(parsed.STRIPE_PUBLISHABLE_KEY ? { publishableKey: parsed.STRIPE_PUBLISHABLE_KEY } : {}),
          ...(parsed.STRIPE_API_HOST ? { host: parsed.STRIPE_API_HOST } : {}),
          ...(parsed.STRIPE_API_PORT ? { port: parsed.STRIPE_API_PORT } : {}),
          ...(parsed.STRIPE_API_PROTOCOL ? { protocol: parsed.STRIPE_API_PROTOCOL as 'http' | 'https' } : {}),
        }
      : {
          kind: 'sandbox',
          file: resolve(dataDir, 'sandbox-processor.db'),
          webhookSecrets,
        },
    mail: {
      transport: parsed.SMTP_URL ? { kind: 'smtp', url: parsed.SMTP_URL } : { kind: 'outbox', dir: resolve(dataDir, 'outbox') },
      from: parsed.MAIL_FROM ?? DEFAULT_MAIL_FROM,
    },
  };
}

/** The single secret first, then the list in its order; a secret given twice is kept once. */
function webhookSecretsOf(single: string | undefined, list: string | undefined): WebhookSecret[] {
  const listed = (list ?? '').split(',').map((secret) => secret.trim()).filter((secret) => secret !== '');
  const all = [
    ...(single ? [{ label: 'STRIPE_WEBHOOK_SECRET', secret: single }] : []),
    ...listed.map((secret, index) => ({ label: `STRIPE_WEBHOOK_SECRETS[${index}]`, secret })),
  ];
  return all.filter((entry, index) => all.findIndex((other) => other.secret === entry.secret) === index);
}
