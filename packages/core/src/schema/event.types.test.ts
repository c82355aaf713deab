import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEventTypes } from './generate-types';

describe('event.types.ts', () => {
  it('is exactly what event.schema.ts generates (run `npm run generate:types -w @attribution/core`)', () => {
    expect(readFileSync(join(__dirname, 'event.types.ts'), 'utf8')).toBe(renderEventTypes());
  });
});
