export * from './application-error.js';
export * from './clock.port.js';
export * from './decision-runner.js';
export * from './idempotency.js';
export * from './ids.js';
