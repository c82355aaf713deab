/**
 * `deliveries list` before it reaches a database: the values it refuses (exit 2) and its
 * cursor. The listing itself runs against PostgreSQL in cli.integration.test.ts.
 */
import { runMain as run } from '../test/run-main';
import { decodeCursor, encodeCursor } from './deliveries-list.command';

const TENANT = '0b7d3f1e-9c1a-4c38-8f7e-2f1f6d0c9a11';
const list = (...args: string[]) => run(['deliveries', 'list', '--tenant', TENANT, ...args]);

describe('attribution deliveries list (command line)', () => {
  it.each([
    [['--limit', '0'], "option '--limit': must be a whole number from 1 to 1000 (got '0')"],
    [['--limit', '1001'], "option '--limit': must be a whole number from 1 to 1000 (got '1001')"],
    [['--since', 'yesterday'], "option '--since': 'yesterday' is not an ISO 8601 date"],
    [['--until', '2026-13-01'], "option '--until': '2026-13-01' is not an ISO 8601 date"],
    [['--since', '2026-11-02', '--until', '2026-11-01'], "option '--since' must be before '--until'"],
    [['--cursor', 'not-a-cursor'], "option '--cursor': 'not-a-cursor' is not a cursor printed by `attribution deliveries list`"],
  ])('%j is a validation error (exit 2) before any database access', async (args, message) => {
    const result = await list(...args);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(`error: ${message}`);
  });

  it('takes only the statuses and destinations that exist, and needs --tenant', async () => {
    const status = await list('--status', 'lost');
    expect(status.code).toBe(2);
    expect(status.stderr.split('\n')[0]).toBe(
      "error: option '--status <status>' argument 'lost' is invalid. Allowed choices are pending, sent, retrying, failed, dead, blocked_consent, parked, filtered, skipped.",
    );
    expect((await list('--destination', 'myspace')).stderr).toContain('Allowed choices are meta, ga4, google_ads, tiktok.');
    expect((await run(['deliveries', 'list'])).stderr.split('\n')[0]).toBe("error: required option '--tenant <id>' not specified");
  });

  it('gives back, from its cursor, exactly the position it was made from', () => {
    const position = { updatedAt: new Date('2026-11-20T12:05:00.123Z'), id: 9_007_199_254_740_993n };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
    expect(() => decodeCursor(Buffer.from('2026-11-20T12:05:00.123Z/-1').toString('base64url'))).toThrow(/not a cursor/);
    expect(() => decodeCursor(Buffer.from('2026-02-31T12:05:00.123Z/1').toString('base64url'))).toThrow(/not a cursor/);
  });
});
