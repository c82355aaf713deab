import { InvalidInputError } from '../http/console-errors';
import { selectedIds, stuckFilter } from './stuck-filter';

const TENANT = '6f1c0000-0000-4000-8000-000000000001';

describe('dead-letter filter and selection', () => {
  it('defaults to both statuses and reads a destination, a reason and a UTC time window', () => {
    expect(stuckFilter(TENANT, {}).filter).toEqual({ tenantId: TENANT, statuses: ['dead', 'parked'] });
    const { filter } = stuckFilter(TENANT, { status: 'parked', destination: 'meta', reason: 'token', since: '2026-12-03T14:05', until: '2026-12-04', other: 'ignored' });
    expect(filter).toEqual({
      tenantId: TENANT,
      statuses: ['parked'],
      destination: 'meta',
      reason: 'token',
      since: new Date('2026-12-03T14:05:00.000Z'),
      until: new Date('2026-12-04T00:00:00.000Z'),
    });
    expect(stuckFilter(TENANT, { status: '', destination: '' }).filter.statuses).toEqual(['dead', 'parked']);
  });

  it('refuses unknown statuses, platforms and malformed times, naming the fields and not their values', () => {
    let caught: unknown;
    try {
      stuckFilter(TENANT, { status: 'sent', destination: 'myspace', since: 'yesterday<script>' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    const message = (caught as Error).message;
    expect(message).toMatch(/^status must be one of/);
    expect(message).toContain('destination must be a platform of the registry');
    expect(message).toContain('since must be a date and time');
    expect(message).not.toContain('<script>');
  });

  it('takes one or many delivery ids, deduplicated, and refuses anything else', () => {
    expect(selectedIds({ id: '7' })).toEqual([7n]);
    expect(selectedIds({ id: ['7', '8', '7'] })).toEqual([7n, 8n]);
    expect(() => selectedIds({})).toThrow(/at least one/);
    expect(() => selectedIds({ id: ['1', '1 OR 1=1'] })).toThrow(/delivery id/);
    expect(() => selectedIds({ id: Array.from({ length: 501 }, (_, i) => String(i)) })).toThrow(/at most 500/);
  });
});
