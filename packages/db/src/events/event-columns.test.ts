import { Prisma } from '../client/db-client';
import { newEventRow } from '@attribution/testing';
import { EVENT_DATABASE_COLUMNS, EVENT_INSERT_COLUMNS } from './event-columns';
import { INSERT_EVENTS_SQL, toInsertParameter } from './event-writer';

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

describe('the events columns, declared once', () => {
  it('are every column of the Prisma model: a column added to the schema cannot be forgotten by ingest', () => {
    const model = Object.values(Prisma.EventScalarFieldEnum).map(snake).sort();
    const declared = [...EVENT_INSERT_COLUMNS.map((c) => c.column), ...EVENT_DATABASE_COLUMNS].sort();
    expect(declared).toEqual(model);
  });

  it('make the INSERT, its record definition and its JSON parameter agree', () => {
    for (const { column, sqlType } of EVENT_INSERT_COLUMNS) expect(INSERT_EVENTS_SQL).toContain(`${column} ${sqlType}`);
    const row = newEventRow('e', 't');
    const [record] = JSON.parse(toInsertParameter([row])) as Array<Record<string, unknown>>;
    expect(Object.keys(record!)).toEqual(EVENT_INSERT_COLUMNS.map((c) => c.column));
    expect(record!['traceparent']).toBeNull();
  });
});
