// Start-up configuration: embedded defaults when nothing is set, production parts when their
// variables are, and a refusal naming the variable for every bad value.
import { ConfigurationError, loadConfiguration } from './configuration.js';

describe('configuration', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const config = loadConfiguration({});
    expect(config.port).toBe(3000);
    expect(config.eventStore).toEqual({ kind: 'sqlite', file: expect.stringMatching(/data\/events\.db$/) as unknown });
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.mongodbUrl).toBeUndefined();
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
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfiguration(env)).toThrow(ConfigurationError);
    expect(() => loadConfiguration(env)).toThrow(message);
  });
});
