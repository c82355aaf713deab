import { readFileSync } from 'node:fs';
import net from 'node:net';
import { findFreePorts } from './free-port';

const listen = (port: number) =>
  new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

describe('findFreePorts', () => {
  it('gives distinct ports below the ephemeral range that a server can bind', async () => {
    const firstEphemeral = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    // Too narrow a gap below the range (under 1000 ports) and it falls back to Linux's default.
    const below = firstEphemeral - 10_000 >= 1_000 ? firstEphemeral : 32_768;
    const ports = await findFreePorts(4);
    expect(new Set(ports).size).toBe(4);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(below);
    }
    const servers = await Promise.all(ports.map(listen));
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });
});
