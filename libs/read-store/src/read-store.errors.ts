/** Typed failures of the read store port; adapters map their native errors onto these. */
export abstract class ReadStoreError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
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

/**
 * The store could not do it now, and may well later: the server did not answer in time, the
 * connection failed, a primary stepped down, or a write was applied but not confirmed by as many
 * servers as asked (a write-concern failure: it may yet be rolled back). For a batch, nothing of
 * it counts as written: its checkpoint did not move, and the same batch may be applied again,
 * which the position guards make harmless. Callers retry with backoff; nothing is wrong with
 * the data or the request.
 */
export class ReadStoreTransientError extends ReadStoreError {
  readonly code = 'READ_STORE_TRANSIENT';
  constructor(
    readonly reason: 'TIMEOUT' | 'CONNECTION' | 'WRITE_CONCERN' | 'FAILOVER' | 'CONFLICT',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
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
