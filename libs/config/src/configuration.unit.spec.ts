// Start-up configuration: embedded defaults when nothing is set, production parts when their
// variables are, and a refusal naming the variable for every bad value.
import { ConfigurationError, DEFAULT_MAIL_FROM, loadConfiguration } from './configuration.js';

describe('configuration', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const config = loadConfiguration({});
    expect(config.port).toBe(3000);
    expect(config.eventStore).toEqual({ kind: 'sqlite', file: expect.stringMatching(/data\/events\.db$/) as unknown });
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.mongodbUrl).toBeUndefined();
    expect(config.payments).toEqual({ kind: 'sandbox', file: expect.stringMatching(/data\/sandbox-processor\.db$/) as unknown, webhookSecrets: [] });
    expect(config.mail).toEqual({ transport: { kind: 'outbox', dir: expect.stringMatching(/data\/outbox$/) as unknown }, from: DEFAULT_MAIL_FROM });
  });

  it('sends e-mail by SMTP from the configured sender when SMTP_URL is set', () => {
    const config = loadConfiguration({ SMTP_URL: 'smtp://user:secret@mail.example.com:587', MAIL_FROM: 'Sparkle Payments <payments@example.com>' });
    expect(config.mail).toEqual({
      transport: { kind: 'smtp', url: 'smtp://user:secret@mail.example.com:587' },
      from: 'Sparkle Payments <payments@example.com>',
    });
  });

  it('switches to Stripe, optionally at a Stripe-compatible endpoint, when a secret key is set', () => {
    const config = loadConfiguration({ STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_API_HOST: 'localhost', STRIPE_API_PORT: '12111', STRIPE_API_PROTOCOL: 'http' });
    expect(config.payments).toEqual({ kind: 'stripe', secretKey: 'sk_test_123', webhookSecrets: [], host: 'localhost', port: 12111, protocol: 'http' });
  });

  it('accepts a webhook signing secret per endpoint (platform and Connect), each named for the logs', () => {
    const config = loadConfiguration({
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_WEBHOOK_SECRET: 'whsec_platform',
      STRIPE_WEBHOOK_SECRETS: ' whsec_connect , whsec_platform,whsec_rolled ',
    });
    expect(config.payments.webhookSecrets).toEqual([
      { label: 'STRIPE_WEBHOOK_SECRET', secret: 'whsec_platform' },
      { label: 'STRIPE_WEBHOOK_SECRETS[0]', secret: 'whsec_connect' },
      { label: 'STRIPE_WEBHOOK_SECRETS[2]', secret: 'whsec_rolled' },
    ]);
    expect(loadConfiguration({ STRIPE_WEBHOOK_SECRETS: 'whsec_a,whsec_b' }).payments.webhookSecrets.map((s) => s.label)).toEqual([
      'STRIPE_WEBHOOK_SECRETS[0]',
      'STRIPE_WEBHOOK_SECRETS[1]',
    ]);
  });

  it('switches to EventStoreDB and MongoDB when their URLs are set', () => {
    const config = loadConfiguration({ EVENTSTOREDB_URL: 'kurrentdb://localhost:2113?tls=false', MONGODB_URL: 'mongodb://localhost:27017/ledger', PORT: '8080' });
    expect(config.eventStore).toEqual({ kind: 'eventstoredb', url: 'kurrentdb://localhost:2113?tls=false' });
    expect(config.mongodbUrl).toBe('mongodb://localhost:27017/ledger');
    expect(config.port).toBe(8080);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer/],
    [{ EVENTSTOREDB_URL: 'http://localhost:2113' }, /EVENTSTOREDB_URL must be a connection string/],
    [{ MONGODB_URL: 'localhost:27017' }, /MONGODB_URL must be a mongodb/],
    [{ PUBLIC_URL: 'pay.example.com' }, /PUBLIC_URL must be an absolute URL/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    [{ STRIPE_SECRET_KEY: 'pk_test_123' }, /STRIPE_SECRET_KEY must be a Stripe secret key/],
    [{ STRIPE_WEBHOOK_SECRET: 'secret' }, /STRIPE_WEBHOOK_SECRET must be a webhook signing secret/],
    [{ STRIPE_WEBHOOK_SECRETS: 'whsec_a,secret' }, /STRIPE_WEBHOOK_SECRETS must be webhook signing secrets separated by commas/],
    [{ STRIPE_WEBHOOK_SECRETS: 'whsec_a,,whsec_b' }, /STRIPE_WEBHOOK_SECRETS must be/],
    [{ STRIPE_WEBHOOK_SECRETS: 'whsec_a;whsec_b' }, /STRIPE_WEBHOOK_SECRETS must be/],
    [{ STRIPE_API_PORT: '0' }, /STRIPE_API_PORT must be an integer/],
    [{ STRIPE_API_PROTOCOL: 'ftp' }, /STRIPE_API_PROTOCOL must be http or https/],
    [{ SMTP_URL: 'mail.example.com:25', MAIL_FROM: 'payments@example.com' }, /SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/],
    [{ SMTP_URL: 'http://mail.example.com' }, /SMTP_URL must be/],
    [{ MAIL_FROM: 'payments' }, /MAIL_FROM must be an e-mail address/],
    [{ MAIL_FROM: 'Evil\r\nBcc: x@example.com <a@example.com>' }, /MAIL_FROM must be an e-mail address/],
    [{ SMTP_URL: 'smtp://localhost:2525' }, /MAIL_FROM is required when SMTP_URL is set/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfiguration(env)).toThrow(ConfigurationError);
    expect(() => loadConfiguration(env)).toThrow(message);
  });
});
