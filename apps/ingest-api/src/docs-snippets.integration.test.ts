import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { seedTenant } from '@attribution/testing';
import { markedSnippets, type Snippet } from '../test/markdown-snippets';
import { startRunningApi, type RunningApi } from '../test/running-ingest-api';

const DOC = path.join(__dirname, '..', '..', '..', 'docs', 'ingest-api.md');
const MARKER = '<!-- tested: docs-snippets.integration.test.ts -->';

/** How each language's block is run, and where it prints the response status. */
const RUNNERS: Record<string, { command: (code: string) => [string, string[]]; status: RegExp }> = {
  js: { command: (code) => [process.execPath, ['--input-type=module', '--eval', code]], status: /^(\d{3}) / },
  sh: { command: (code) => ['bash', ['-euo', 'pipefail', '-c', code]], status: /\n(\d{3})\n$/ },
};

function run(snippet: Snippet, env: Record<string, string>): Promise<{ exit: number | null; stdout: string; stderr: string }> {
  const [command, args] = RUNNERS[snippet.language]!.command(snippet.code);
  // Only PATH besides the two variables: the examples must need nothing else. No stdin: bash
  // takes a socket there for a remote shell and reads the system bashrc.
  const child = spawn(command, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exit) => resolve({ exit, stdout, stderr }));
  });
}

const snippets = markedSnippets(readFileSync(DOC, 'utf8'), MARKER);

describe('docs/ingest-api.md: the server examples, run against a running ingest-api (real PostgreSQL)', () => {
  let running: RunningApi;
  let tenant: Awaited<ReturnType<typeof seedTenant>>;

  beforeAll(async () => {
    running = await startRunningApi();
    tenant = await seedTenant(running.db);
  });

  afterAll(() => running?.stop());

  it('marks one Node and one curl example', () => {
    expect(snippets.map((snippet) => snippet.language)).toEqual(['js', 'sh']);
    expect(snippets[1]!.code).toMatch(/^curl /);
  });

  it.each(snippets.map((snippet) => [`${snippet.language} (line ${snippet.line})`, snippet] as const))(
    'runs the %s example with ATTRIBUTION_URL and a secret ATTRIBUTION_KEY: 202, and the event is stored',
    async (_name, snippet) => {
      const result = await run(snippet, { ATTRIBUTION_URL: running.api.url, ATTRIBUTION_KEY: tenant.secretKey });
      expect({ exit: result.exit, stderr: result.stderr }).toEqual({ exit: 0, stderr: '' });
      expect(RUNNERS[snippet.language]!.status.exec(result.stdout)?.[1]).toBe('202');
      const eventId = /"?event_id"?: ['"]([^'"]+)['"]/.exec(snippet.code)![1]!;
      const stored = await running.db.event.findFirst({ where: { tenantId: tenant.tenant.id, eventId } });
      expect(stored).toMatchObject({ eventName: 'Purchase', sourceUrl: 'https://shop.example/checkout/thanks', ipAddress: '203.0.113.7' });
      expect(JSON.stringify(stored!.userData)).not.toContain('customer@example.com');
    },
  );
});
