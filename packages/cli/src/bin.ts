#!/usr/bin/env node
import { main } from './cli';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('(reading the secret from stdin; end with Enter, then Ctrl-D)\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// The one place the CLI reads its environment; cli-env.ts validates it once.
const env = process.env;

// A reader that stops early (`attribution --help | head`) closes the pipe: not the command's failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

void main(process.argv.slice(2), env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  // Progress lines only when stderr is a terminal (progressLine checks isTTY).
  progress: process.stderr,
  helpWidth: process.stdout.isTTY ? process.stdout.columns : undefined,
  readStdin,
}).then((code) => {
  process.exitCode = code;
  // Clients are closed by then; a library's stray timer must not keep an admin command alive.
  setTimeout(() => process.exit(code), 2_000).unref();
});
