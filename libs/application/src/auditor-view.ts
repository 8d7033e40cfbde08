/**
 * What an auditor sees of a recorded event: everything as recorded (who did it, when, for which
 * tenant, with what data) except secret material. The ledger keeps only hashes of bearer
 * secrets (an API key's `secretHash`, the `tokenHash` of a payment link or an add-card link), but
 * even a hash should not leave the store: a fast hash of a leaked key can be matched against it,
 * and an auditor needs to know that a key was made, by whom and with what role, not its digest.
 *
 * Redacted fields are left out of the data, and named in `redacted`, so a reader knows something
 * was withheld. Because the data differs from what was hashed, the hash chain cannot be checked
 * on this view: chain verification is done on the stores themselves by `ledger audit verify`.
 * The GraphQL auditTrail and any CLI replay or export of the log use this one function.
 */
import type { RecordedEvent } from '@ledger/event-store';

/**
 * A field is secret material when its name says so: a hash of a token, key or secret, or a
 * token, secret or password itself. Names, not event types, decide, so a new event type that
 * records such a field is redacted without anyone remembering to list it here.
 */
const SECRET_FIELD = /(hash$|secret|token|password)/i;

export interface AuditorEvent extends Omit<RecordedEvent, 'chain'> {
  /** Paths of the fields withheld from `data` and `metadata`, e.g. `data.secretHash`. */
  readonly redacted: readonly string[];
}

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** The auditor's view of one recorded event. */
export function auditorView(event: RecordedEvent): AuditorEvent {
  const redacted: string[] = [];
  const data = withoutSecrets(event.data, 'data', redacted);
  const metadata = withoutSecrets(event.metadata, 'metadata', redacted) as RecordedEvent['metadata'];
  return {
    id: event.id,
    type: event.type,
    data,
    metadata,
    streamName: event.streamName,
    revision: event.revision,
    position: event.position,
    recordedAt: event.recordedAt,
    redacted,
  };
}

/** A copy of `value` without secret fields at any depth; `redacted` collects their paths. */
function withoutSecrets(value: unknown, path: string, redacted: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => withoutSecrets(item, `${path}[${index}]`, redacted));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (isSecretField(name)) redacted.push(`${path}.${name}`);
    else copy[name] = withoutSecrets(field, `${path}.${name}`, redacted);
  }
  return copy;
}
