// Goal: the fault helper does what the fault tests rely on: a proxy on its own free port passes
// bytes both ways, each toxic has the effect its name promises (latency delays, reset_peer
// resets, a stall answers nothing, bandwidth slows, disable refuses connections), healing
// restores the link, and removing a proxy leaves nothing behind in Toxiproxy.
// Method: a plain TCP echo server on loopback behind a real Toxiproxy (TOXIPROXY_URL); each
// case opens a real socket through the proxy and measures what comes back.
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { describeWithToxiproxy, FaultyNetwork, toxiproxyUrl } from './toxiproxy.js';
import type { FaultyLink } from './toxiproxy.js';

/** Sends `payload` through the link and resolves with the answer, or the error and when it came. */
function roundTrip(link: FaultyLink, payload: string, timeoutMs = 3_000): Promise<{ answer: string; error?: string; elapsedMs: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let answer = '';
    const socket: Socket = connect(link.port, link.host);
    const done = (error?: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answer, ...(error ? { error } : {}), elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => done('no answer'), timeoutMs);
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
      if (answer.length >= payload.length) done();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    socket.on('end', () => done(answer.length >= payload.length ? undefined : 'closed'));
  });
}

describeWithToxiproxy('Toxiproxy fault helper', () => {
  let echo: Server;
  let network: FaultyNetwork;
  let link: FaultyLink;

  beforeAll(async () => {
    echo = createServer((socket) => {
      // The proxy resets and cuts its connections on purpose; that is not this server's failure.
      socket.on('error', () => socket.destroy());
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    network = await FaultyNetwork.connect();
  });
  beforeEach(async () => {
    link = await network.proxy('echo', `127.0.0.1:${(echo.address() as { port: number }).port}`);
  });
  afterEach(() => network.removeAll());
  afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

  it('passes bytes through on a free port of its own, and adds latency while the toxic is there', async () => {
    expect(link.port).toBeGreaterThan(0);
    expect((await roundTrip(link, 'hello')).answer).toBe('hello');
    const latency = await link.latency(300);
    const slow = await roundTrip(link, 'slow');
    expect(slow.answer).toBe('slow');
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(280);
    await latency.remove();
    expect((await roundTrip(link, 'fast')).elapsedMs).toBeLessThan(250);
  });

  it('resets the connection when the answer comes back (reset_peer downstream)', async () => {
    await link.resetPeer();
    const cut = await roundTrip(link, 'lost');
    expect(cut.answer).toBe('');
    expect(cut.error).toBe('ECONNRESET');
  });

  it('answers nothing while stalled, and again once healed', async () => {
    await link.stall();
    expect((await roundTrip(link, 'anyone?', 500)).error).toBe('no answer');
    await link.heal();
    expect((await roundTrip(link, 'back')).answer).toBe('back');
  });

  it('slows a large answer to the bandwidth given, and slices it without changing a byte', async () => {
    const payload = 'x'.repeat(64 * 1024);
    await link.bandwidth(128);
    const capped = await roundTrip(link, payload, 5_000);
    expect(capped.answer).toBe(payload);
    expect(capped.elapsedMs).toBeGreaterThanOrEqual(350);
    await link.heal();
    await link.slicer({ averageBytes: 100, variationBytes: 50, delayUs: 10 });
    expect((await roundTrip(link, payload)).answer).toBe(payload);
  });

  it('refuses connections while disabled, listens on the same port when enabled, and leaves nothing once removed', async () => {
    const port = link.port;
    await link.disable();
    expect((await roundTrip(link, 'down')).error).toBe('ECONNREFUSED');
    await link.enable();
    expect(link.port).toBe(port);
    expect((await roundTrip(link, 'up')).answer).toBe('up');
    await link.remove();
    const listed = (await (await fetch(`${toxiproxyUrl()!}/proxies`)).json()) as Record<string, unknown>;
    expect(Object.keys(listed)).not.toContain(link.name);
  });
});
