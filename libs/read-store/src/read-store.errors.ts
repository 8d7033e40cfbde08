/** Typed failures of the read store port; adapters map their native errors onto these. */
export abstract class ReadStoreError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A collection, field or projection name, a document, a position or a query was refused; nothing was written. */
export class InvalidReadRequestError extends ReadStoreError {
  readonly code = 'INVALID_READ_REQUEST';
  constructor(
    readonly reason: 'INVALID_NAME' | 'INVALID_DOCUMENT' | 'INVALID_POSITION' | 'INVALID_QUERY' | 'INVALID_CURSOR',
    message: string,
  ) {
    super(message);
  }
}

/** The store's file or server cannot be used as it is; start-up must stop. */
export class ReadStoreUnavailableError extends ReadStoreError {
  readonly code = 'READ_STORE_UNAVAILABLE';
}

/** A fenced batch was refused because its owner no longer holds the lease; nothing was written. */
export class LeaseLostError extends ReadStoreError {
  readonly code = 'LEASE_LOST';
  constructor(
    readonly lease: string,
    readonly owner: string,
  ) {
    super(`The lease ${lease} is no longer held by ${owner}; the batch was not written`);
  }
}
