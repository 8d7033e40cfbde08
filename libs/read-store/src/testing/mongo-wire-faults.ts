/**
 * A fault-injecting proxy for the MongoDB wire protocol, for the faults no network proxy can make
 * (Toxiproxy can delay, cut and stall a connection, but cannot make a server say "applied, not
 * confirmed by a majority"). It passes every message between the driver and a real server
 * (FerretDB in the tests) and, when told, changes the server's answer to one command: adds a
 * write-concern error to the reply of a write the server applied, reports a write applied and
 * then loses it (a rollback), holds a reply back (a server that stops answering mid-call), cuts
 * the connection after the server acted, or moves the server's clock (`hello.localTime`). The driver parses real replies and raises its own error
 * classes, so what is tested is the adapter as it runs against a real replica set.
 *
 * Only OP_MSG replies (all a modern driver exchanges after its handshake) are ever changed; other
 * messages pass through untouched. Test code only: nothing in production imports it.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { BSON, type Document } from 'mongodb';

const OP_MSG = 2013;
const CHECKSUM_PRESENT = 1;

export type WireFault =
  /** The write was applied, but the server reports that a majority did not acknowledge it. */
  | { readonly kind: 'writeConcernError'; readonly code?: number; readonly codeName?: string; readonly errmsg?: string }
  /**
   * A write the server reports applied but not confirmed by a majority, and then loses: the
   * rollback after a step-down. The request never reaches the server; the reply says it did.
   */
  | { readonly kind: 'lostWrite' }
  /** The server acted but its answer never comes: the client's socket timeout must end the wait. */
  | { readonly kind: 'stall' }
  /** The server acted, then the connection is reset before its answer reaches the client. */
  | { readonly kind: 'reset' }
  /** The server's clock, as `hello` reports it, is moved by `ms`. */
  | { readonly kind: 'clockOffset'; readonly ms: number };

export interface WireRule {
  /** The command's name (its first field), e.g. `insert`, `update`, `findAndModify`, `hello`. */
  readonly command: string;
  /** The collection the command names, when only one collection's replies should change. */
  readonly collection?: string | RegExp;
  /** How many replies to change before the rule is spent; all of them by default. */
  readonly times?: number;
  readonly fault: WireFault;
}

interface Frame {
  readonly requestId: number;
  readonly responseTo: number;
  readonly opCode: number;
  readonly bytes: Buffer;
}

/** Splits a byte stream into whole wire messages (each starts with its int32 length). */
class FrameReader {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    while (this.pending.length >= 16) {
      const length = this.pending.readInt32LE(0);
      if (this.pending.length < length) break;
      const bytes = this.pending.subarray(0, length);
      frames.push({ requestId: bytes.readInt32LE(4), responseTo: bytes.readInt32LE(8), opCode: bytes.readInt32LE(12), bytes });
      this.pending = this.pending.subarray(length);
    }
    return frames;
  }
}

/**
 * The body of an OP_MSG (its kind 0 section) with each document sequence (kind 1: how drivers
 * send the documents of an insert, the statements of an update) folded in as an array field;
 * undefined for any other message.
 */
function bodyOf(frame: Frame): Document | undefined {
  if (frame.opCode !== OP_MSG) return undefined;
  const end = frame.bytes.length - (frame.bytes.readUInt32LE(16) & CHECKSUM_PRESENT ? 4 : 0);
  let body: Document | undefined;
  const sequences: Document = {};
  for (let offset = 20; offset < end; ) {
    const size = frame.bytes.readInt32LE(offset + 1);
    const section = frame.bytes.subarray(offset + 1, offset + 1 + size);
    if (frame.bytes[offset] === 0) body = BSON.deserialize(section);
    else sequences[section.toString('utf8', 4, section.indexOf(0, 4))] = documentsIn(section.subarray(section.indexOf(0, 4) + 1));
    offset += 1 + size;
  }
  return body && { ...body, ...sequences };
}

function documentsIn(bytes: Buffer): Document[] {
  const documents: Document[] = [];
  for (let offset = 0; offset < bytes.length; offset += bytes.readInt32LE(offset)) {
    documents.push(BSON.deserialize(bytes.subarray(offset, offset + bytes.readInt32LE(offset))));
  }
  return documents;
}

/** An OP_MSG reply with this body to request `responseTo` (no checksum: it would be stale). */
function reply(responseTo: number, body: Document, flags = 0): Buffer {
  const section = Buffer.from(BSON.serialize(body));
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + section.length, 0);
  header.writeInt32LE(0, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(flags & ~CHECKSUM_PRESENT, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header, section]);
}

/** The reply to send instead: a write-concern error beside the write's own result, or another clock. */
function rewritten(body: Document, fault: Exclude<WireFault, { kind: 'stall' | 'reset' | 'lostWrite' }>): Document {
  if (fault.kind === 'clockOffset') return body.localTime instanceof Date ? { ...body, localTime: new Date(body.localTime.getTime() + fault.ms) } : body;
  const { code = 64, codeName = 'WriteConcernFailed', errmsg = 'waiting for replication timed out' } = fault;
  return { ...body, writeConcernError: { code, codeName, errmsg, errInfo: { wtimeout: true } } };
}

/** What a primary answers for a write it applied, then could not get a majority to confirm. */
function unconfirmed(command: Document): Document {
  const statements = [command.documents, command.updates, command.deletes].find(Array.isArray) as unknown[] | undefined;
  const writeConcernError = { code: 64, codeName: 'WriteConcernFailed', errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } };
  return { n: statements?.length ?? 1, ...(command.updates ? { nModified: statements?.length ?? 1 } : {}), writeConcernError, ok: 1 };
}

interface Sent {
  readonly command: string;
  readonly collection: unknown;
}

export class MongoWireFaults {
  /** The bodies of the commands clients sent, in order (for asserting on what the driver asks). */
  readonly commands: Document[] = [];
  private readonly rules: { rule: WireRule; left: number }[] = [];
  private readonly sockets = new Set<Socket>();
  private faults = 0;

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
  ) {}

  /** Listens on a free local port and forwards to `target` (`host:port`). */
  static async start(target: string): Promise<MongoWireFaults> {
    const [host, port] = target.split(':');
    const server = createServer();
    const proxy = new MongoWireFaults(server, { host: host ?? '127.0.0.1', port: Number(port ?? 27017) });
    server.on('connection', (client) => proxy.pipe(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get address(): string {
    const { port } = this.server.address() as { port: number };
    return `127.0.0.1:${port}`;
  }

  url(database: string): string {
    return `mongodb://${this.address}/${database}?directConnection=true`;
  }

  inject(rule: WireRule): void {
    this.rules.push({ rule, left: rule.times ?? Infinity });
  }

  /** How many replies were changed so far. */
  get applied(): number {
    return this.faults;
  }

  /** Forgets the rules not yet spent. */
  heal(): void {
    this.rules.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    const asked = new Map<number, Sent>();
    const fromClient = new FrameReader();
    const fromServer = new FrameReader();
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      for (const frame of fromClient.push(chunk)) {
        const body = bodyOf(frame);
        if (body) {
          const command = Object.keys(body)[0] ?? '';
          this.commands.push(body);
          asked.set(frame.requestId, { command, collection: body[command] });
          if (this.take({ command, collection: body[command] }, 'lostWrite')) {
            client.write(reply(frame.requestId, unconfirmed(body)));
            continue;
          }
        }
        upstream.write(frame.bytes);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      for (const frame of fromServer.push(chunk)) this.answer(client, frame, asked);
    });
  }

  private answer(client: Socket, frame: Frame, asked: Map<number, Sent>): void {
    const sent = asked.get(frame.responseTo);
    asked.delete(frame.responseTo);
    const body = sent && bodyOf(frame);
    const fault = body && this.take(sent);
    if (!fault || !body || fault.kind === 'lostWrite') return void client.write(frame.bytes);
    if (fault.kind === 'stall') return;
    if (fault.kind === 'reset') return void client.resetAndDestroy();
    client.write(reply(frame.responseTo, rewritten(body, fault), frame.bytes.readUInt32LE(16)));
  }

  /** The fault of the first live rule for this command (of this kind, or of any other), spending one use. */
  private take(sent: Sent, kind?: 'lostWrite'): WireFault | undefined {
    const match = this.rules.find(
      ({ rule, left }) => left > 0 && rule.command === sent.command && matches(rule.collection, sent.collection) && (rule.fault.kind === 'lostWrite') === (kind === 'lostWrite'),
    );
    if (!match) return undefined;
    match.left--;
    this.faults++;
    return match.rule.fault;
  }
}

function matches(expected: string | RegExp | undefined, collection: unknown): boolean {
  if (expected === undefined) return true;
  if (typeof collection !== 'string') return false;
  return typeof expected === 'string' ? expected === collection : expected.test(collection);
}
