/** The queries behind the customer's pay and add-card pages, which have no API key. */
export * from './business-summary.js';
export * from './card-request-pages.js';
export * from './payment-link-pages.js';
