export * from './stripe-event-translation.js';
export * from './processor-index.js';
export * from './payment-webhook-actions.js';
export * from './stripe-webhook-processor.js';
