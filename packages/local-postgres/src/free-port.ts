import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * A TCP port that was free on 127.0.0.1 a moment ago, for a server started right after.
 *
 * Chosen below the OS's ephemeral port range, not by listen(0): listen(0) takes a port from that
 * range, which is also where every outgoing connection gets its local port, so one of them can
 * take it before the server binds it (seen in the integration tests: postgres failing with
 * "Address already in use" after the ~1 s initdb gap, while other tests open connections).
 * Nothing takes a port below the range unasked; one in use by a listener is skipped.
 */
export async function findFreePort(): Promise<number> {
  const [low, high] = portsBelowEphemeralRange();
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await canListen(port)) return port;
  }
  return listenOnAnyPort();
}

/** `count` distinct ports, for a server that listens on several. */
export async function findFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports];
}

const LOWEST = 10_000;

/** [LOWEST, first ephemeral port), or [LOWEST, 32768) (Linux's default) when unknown. */
function portsBelowEphemeralRange(): [number, number] {
  let first = 32_768;
  try {
    const value = Number.parseInt(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0] ?? '', 10);
    if (Number.isInteger(value)) first = value;
  } catch {
    /* not Linux: assume the default */
  }
  return first - LOWEST >= 1_000 ? [LOWEST, first] : [LOWEST, 32_768];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function listenOnAnyPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('Could not allocate a free port'))));
    });
  });
}
