/**
 * A fake PostgreSQL that is forever "starting up": it speaks just enough of the wire protocol
 * (https://www.postgresql.org/docs/current/protocol-flow.html) to refuse every connection the way
 * a real server does between opening its socket and finishing (crash) recovery, with
 *
 *   ErrorResponse S=FATAL V=FATAL C=57P03 M="the database system is starting up"
 *
 * and then closing the connection. A real restart hits that window for a fraction of a second;
 * this makes it deterministic, for every client (pg, Prisma's driver adapter, LISTEN clients).
 *
 *   const fake = await startFakeStartingPostgres();
 *   const db = createDbClient(fake.url);   // every query rejects with the 57P03 refusal
 *   ...
 *   await fake.close();
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface FakeStartingPostgresOptions {
  /** SQLSTATE of the refusal. Default 57P03 (cannot_connect_now). */
  code?: string;
  /** Default "the database system is starting up" (PostgreSQL's CAC_STARTUP message). */
  message?: string;
}

export interface FakeStartingPostgres {
  /** postgresql://postgres:postgres@127.0.0.1:<port>/attribution */
  url: string;
  port: number;
  /** Startup messages answered with the refusal so far (proves a client really came here). */
  refusals(): number;
  /** Stops listening and closes every open connection. Idempotent. */
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** A backend message: type byte, int32 length (itself included, the type byte not), body. */
function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'ascii');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/** ErrorResponse: fields `type byte + cstring`, terminated by a zero byte. */
function errorResponse(fields: Record<string, string>): Buffer {
  const parts = Object.entries(fields).map(([type, value]) => Buffer.concat([Buffer.from(type, 'ascii'), Buffer.from(value, 'utf8'), Buffer.from([0])]));
  return message('E', Buffer.concat([...parts, Buffer.from([0])]));
}

export async function startFakeStartingPostgres(opts: FakeStartingPostgresOptions = {}): Promise<FakeStartingPostgres> {
  const refusal = errorResponse({
    S: 'FATAL',
    V: 'FATAL',
    C: opts.code ?? '57P03',
    M: opts.message ?? 'the database system is starting up',
  });
  const sockets = new Set<Socket>();
  let refused = 0;

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy()); // a client giving up mid-handshake is fine
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      // Untyped packets before the startup: int32 length (itself included), int32 code, rest.
      while (buffered.length >= 8) {
        const length = buffered.readInt32BE(0);
        if (length < 8 || length > 10_000) return void socket.destroy();
        if (buffered.length < length) return;
        const code = buffered.readInt32BE(4);
        buffered = buffered.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          socket.write('N'); // no TLS, no GSSAPI: the client goes on in plain text (or gives up)
          continue;
        }
        if (code === CANCEL_REQUEST) return void socket.end();
        // The StartupMessage (protocol 3.x): refuse it, as a starting server does.
        refused += 1;
        socket.end(refusal);
        return;
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/attribution`,
    port,
    refusals: () => refused,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      })),
  };
}
