import { once } from 'node:events';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { createHttpServer, securityHeaders, toHttpLimits, type HttpLimits } from './http-server';

const limits: HttpLimits = toHttpLimits({
  HTTP_HEADERS_TIMEOUT_MS: 1_000,
  HTTP_REQUEST_TIMEOUT_MS: 2_000,
  HTTP_KEEP_ALIVE_TIMEOUT_MS: 1_000,
  HTTP_MAX_HEADER_BYTES: 2_048,
  HTTP_MAX_REQUESTS_PER_SOCKET: 3,
});

/** A real listener on loopback: the limits are enforced by Node's HTTP parser and timers, so only a socket shows them. */
describe('createHttpServer', () => {
  let server: Server;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = createHttpServer(limits, securityHeaders('same-origin'), (req, res) => {
      if (req.url === '/body') {
        // Reads the body, so a client trickling it is held to the request timeout.
        req.resume();
        req.on('end', () => res.end('read'));
        return;
      }
      res.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const open = async (): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    await once(socket, 'connect');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', () => undefined);
    const started = Date.now();
    const closed = once(socket, 'close').then(() => Date.now() - started);
    return { socket, received: () => data, closed };
  };

  /** Writes one line every interval until the socket is gone; a slowloris never finishes. */
  const trickle = (socket: Socket, first: string, intervalMs: number) => {
    socket.write(first);
    let n = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || !socket.writable) return clearInterval(timer);
      socket.write(`x-slow-${n++}: 1\r\n`);
    }, intervalMs);
    socket.once('close', () => clearInterval(timer));
  };

  it('answers with the security headers', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(await response.text()).toBe('ok');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('cuts off a slowloris client sending its headers a line at a time, with a 408, near the headers timeout', async () => {
    const { socket, received, closed } = await open();
    trickle(socket, 'GET / HTTP/1.1\r\nHost: loris\r\n', 200);
    const elapsed = await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsed).toBeGreaterThanOrEqual(limits.headersTimeoutMs - 50);
    // Checked on a timer of a fifth of the timeout: never held much past it.
    expect(elapsed).toBeLessThan(limits.headersTimeoutMs * 2);
  });

  it('cuts off a client that sends its headers and then trickles the body, at the request timeout', async () => {
    const { socket, received, closed } = await open();
    socket.write('POST /body HTTP/1.1\r\nHost: loris\r\nContent-Length: 100000\r\n\r\n');
    const timer = setInterval(() => socket.writable && socket.write('a'), 100);
    const elapsed = await closed;
    clearInterval(timer);
    expect(received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsed).toBeGreaterThanOrEqual(limits.requestTimeoutMs - 50);
    expect(elapsed).toBeLessThan(limits.requestTimeoutMs * 2);
  });

  it('closes an idle keep-alive socket after the keep-alive timeout', async () => {
    const { socket, received, closed } = await open();
    socket.write('GET / HTTP/1.1\r\nHost: idle\r\n\r\n');
    const elapsed = await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(received()).toMatch(/keep-alive: timeout=1/i);
    expect(elapsed).toBeLessThan(limits.keepAliveTimeoutMs * 3);
  });

  it('refuses a request head over the size limit with 431', async () => {
    const { socket, received, closed } = await open();
    socket.write(`GET / HTTP/1.1\r\nHost: big\r\nx-big: ${'a'.repeat(limits.maxHeaderBytes)}\r\n\r\n`);
    await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('asks a client to reconnect after the maximum number of requests on one socket', async () => {
    const { socket, received, closed } = await open();
    const statuses: string[] = [];
    for (let i = 0; i <= limits.maxRequestsPerSocket; i++) {
      socket.write('GET / HTTP/1.1\r\nHost: many\r\n\r\n');
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      statuses.push(/^HTTP\/1\.1 \d+/.exec(chunk.toString())?.[0] ?? chunk.toString());
    }
    await closed;
    expect(statuses.slice(0, limits.maxRequestsPerSocket)).toEqual(Array(limits.maxRequestsPerSocket).fill('HTTP/1.1 200'));
    expect(statuses[limits.maxRequestsPerSocket]).toBe('HTTP/1.1 503');
    expect(received()).toMatch(/connection: close/i);
  });

  it('never lets the request timeout be shorter than the headers timeout (Node refuses that)', () => {
    const clamped = toHttpLimits({
      HTTP_HEADERS_TIMEOUT_MS: 20_000,
      HTTP_REQUEST_TIMEOUT_MS: 5_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000,
      HTTP_MAX_HEADER_BYTES: 16_384,
      HTTP_MAX_REQUESTS_PER_SOCKET: 0,
    });
    expect(clamped.requestTimeoutMs).toBe(20_000);
  });
});
