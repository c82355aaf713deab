/**
 * `credentials rotate-key` before it reaches a database: its help, and the environment and
 * command line it refuses (exit 2) without ever echoing a key.
 */
import { randomBytes } from 'node:crypto';
import { runMain as run, UNREACHABLE_DB as DB } from '../test/run-main';

const NEW = randomBytes(32).toString('base64');
const OLD = randomBytes(32).toString('hex');

describe('attribution credentials rotate-key (command line)', () => {
  it('is listed in the program help and documents its options', async () => {
    expect((await run(['--help'], {})).stdout).toContain('  credentials <command>');
    const help = await run(['credentials', 'rotate-key', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: attribution credentials rotate-key [options]');
    expect(help.stdout).toMatch(/--dry-run\s+open and count, change nothing/);
    expect(help.stdout).toMatch(/--tenant <id>\s+only this tenant's destinations \(default: every tenant\)/);
  });

  it('needs both keys from the environment, naming the missing one', async () => {
    const noPrevious = await run(['credentials', 'rotate-key'], { ...DB, CREDENTIALS_KEY: NEW });
    expect(noPrevious.code).toBe(2);
    expect(noPrevious.stderr).toContain('CREDENTIALS_KEY_PREVIOUS: is required for credentials rotate-key');
    const noCurrent = await run(['credentials', 'rotate-key', '--json'], { ...DB, CREDENTIALS_KEY_PREVIOUS: OLD });
    expect(noCurrent.code).toBe(2);
    expect(JSON.parse(noCurrent.stderr)).toMatchObject({ error: { kind: 'validation', exit_code: 2 } });
    expect(noCurrent.stderr).toContain('CREDENTIALS_KEY: is required');
  });

  it('refuses a malformed key without echoing it, and takes no key on the command line', async () => {
    const bad = await run(['credentials', 'rotate-key'], { ...DB, CREDENTIALS_KEY: NEW, CREDENTIALS_KEY_PREVIOUS: 'short-old-secret' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CREDENTIALS_KEY_PREVIOUS: must be a 32-byte key');
    expect(bad.stderr).not.toContain('short-old-secret');
    expect(bad.stderr).not.toContain(NEW);
    const inArgv = await run(['credentials', 'rotate-key', '--key', NEW], { ...DB, CREDENTIALS_KEY: NEW, CREDENTIALS_KEY_PREVIOUS: OLD });
    expect(inArgv.code).toBe(2);
    expect(inArgv.stderr).toContain("error: unknown option '--key'");
  });

  it('checks --tenant and --batch-size before connecting', async () => {
    const env = { ...DB, CREDENTIALS_KEY: NEW, CREDENTIALS_KEY_PREVIOUS: OLD };
    expect((await run(['credentials', 'rotate-key', '--tenant', 'shop'], env)).stderr).toContain("'shop' is not a tenant id");
    const batch = await run(['credentials', 'rotate-key', '--batch-size', '0'], env);
    expect(batch).toMatchObject({ code: 2 });
    expect(batch.stderr).toContain("option '--batch-size': must be a whole number from 1 to 1000");
  });
});
