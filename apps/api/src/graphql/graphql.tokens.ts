/** Injection tokens of the API layer. */
export const CONFIGURATION = Symbol('Configuration');
