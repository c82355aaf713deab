/**
 * `attribution deliveries list` (the built binary) against a real PostgreSQL: the table and the
 * JSON, filters, paging with the printed cursor, and one tenant's deliveries only.
 */
import { insertStoredEvents, seedTenant } from '@attribution/testing';
import { useTestDatabase } from '../test/test-database';
import { parseJson, runCli } from './run-cli';

interface ListJson {
  tenant_id: string;
  deliveries: Array<{ id: string; event_id: string; event_name: string; destination: string; status: string; attempts: number; last_error: string | null; updated_at: string }>;
  next_cursor: string | null;
}

describe('attribution deliveries list (built binary)', () => {
  const testDb = useTestDatabase();

  /** `count` deliveries to `destination`, one a minute from `firstMinute`, newest last. */
  async function deliveries(tenantId: string, count: number, destination: string, status: 'sent' | 'dead', firstMinute: number) {
    const events = await insertStoredEvents(testDb.db, tenantId, count, { eventName: status === 'dead' ? 'Lead' : 'Purchase' });
    await testDb.db.delivery.createMany({
      data: events.map((e, i) => ({
        eventPk: BigInt(e.id),
        eventReceivedAt: e.receivedAt,
        tenantId,
        destination,
        status,
        attempts: status === 'dead' ? 3 : 1,
        lastError: status === 'dead' ? `code 190: Error validating access token ${'x'.repeat(80)}` : null,
        updatedAt: new Date(Date.UTC(2026, 10, 20, 12, firstMinute + i)),
      })),
    });
    return events.map((e) => e.eventId);
  }

  it("lists one tenant's deliveries newest first, as a table and as JSON, filtered and paged by cursor", async () => {
    const { tenant } = await seedTenant(testDb.db);
    const { tenant: other } = await seedTenant(testDb.db);
    const sent = await deliveries(tenant.id, 3, 'ga4', 'sent', 0);
    const dead = await deliveries(tenant.id, 2, 'meta', 'dead', 10);
    const theirs = await deliveries(other.id, 4, 'meta', 'dead', 5);

    const all = await runCli(['deliveries', 'list', '--tenant', tenant.id, '--json'], testDb.env);
    expect(all).toMatchObject({ code: 0, stderr: '' });
    const listed = parseJson<ListJson>(all);
    expect(listed.tenant_id).toBe(tenant.id);
    expect(listed.deliveries.map((d) => d.event_id)).toEqual([...dead].reverse().concat([...sent].reverse()));
    expect(listed.deliveries[0]).toMatchObject({ event_name: 'Lead', destination: 'meta', status: 'dead', attempts: 3, updated_at: '2026-11-20T12:11:00.000Z' });
    expect(listed.deliveries[0]!.id).toMatch(/^\d+$/);
    expect(listed.next_cursor).toBeNull();

    const filtered = parseJson<ListJson>(await runCli(['deliveries', 'list', '--tenant', tenant.id, '--status', 'sent', '--since', '2026-11-20T12:01:00Z', '--until', '2026-11-20T12:02:00Z', '--json'], testDb.env));
    expect(filtered.deliveries.map((d) => d.event_id)).toEqual([sent[1]]);
    expect(parseJson<ListJson>(await runCli(['deliveries', 'list', '--tenant', tenant.id, '--destination', 'meta', '--json'], testDb.env)).deliveries).toHaveLength(2);

    // Page by page with the cursor each page prints: every delivery once, in order, none of the other tenant's.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ListJson = parseJson<ListJson>(await runCli(['deliveries', 'list', '--tenant', tenant.id, '--limit', '2', ...(cursor ? ['--cursor', cursor] : []), '--json'], testDb.env));
      expect(page.deliveries.length).toBeLessThanOrEqual(2);
      seen.push(...page.deliveries.map((d) => d.event_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(listed.deliveries.map((d) => d.event_id));
    expect(seen.filter((id) => theirs.includes(id))).toEqual([]);

    const table = await runCli(['deliveries', 'list', '--tenant', tenant.id, '--limit', '2'], testDb.env);
    expect(table.code).toBe(0);
    const [header, first, , more] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+EVENT ID\s+EVENT\s+DESTINATION\s+STATUS\s+ATTEMPTS\s+CODE\s+UPDATED\s+ERROR$/);
    expect(first).toContain(dead[1]);
    expect(first).toMatch(/Lead\s+meta\s+dead\s+3\s+-\s+2026-11-20T12:11:00.000Z\s+code 190: Error validating access token x+…$/);
    expect(more).toMatch(/^\(more: run the same command with --cursor [A-Za-z0-9_-]+\)$/);
    expect(table.stdout).not.toContain(theirs[0]);
  });

  it("shows another tenant's deliveries to no one else: the other tenant sees only its own, and an unknown tenant is not found", async () => {
    const { tenant } = await seedTenant(testDb.db);
    const { tenant: other } = await seedTenant(testDb.db);
    const mine = await deliveries(tenant.id, 2, 'meta', 'dead', 0);
    const theirs = await deliveries(other.id, 2, 'meta', 'dead', 0);
    const ofTenant = async (id: string) => parseJson<ListJson>(await runCli(['deliveries', 'list', '--tenant', id, '--status', 'dead', '--json'], testDb.env)).deliveries.map((d) => d.event_id).sort();
    expect(await ofTenant(tenant.id)).toEqual([...mine].sort());
    expect(await ofTenant(other.id)).toEqual([...theirs].sort());
    const missing = await runCli(['deliveries', 'list', '--tenant', '0b7d3f1e-9c1a-4c38-8f7e-2f1f6d0c9a11'], testDb.env);
    expect(missing).toMatchObject({ code: 3, stdout: '', stderr: 'error: tenant 0b7d3f1e-9c1a-4c38-8f7e-2f1f6d0c9a11 not found\n' });
  });
});
