import { convertSchema } from 'joi-to-typescript';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsentSchema, CustomDataSchema, EventBatchSchema, EventContextSchema, EventSchema, UserDataSchema } from './event.schema';

const HEADER = '// Generated from event.schema.ts by generate-types.ts. Do not edit by hand.\n';

/** Renders the TypeScript declarations for the event contract, in a stable order. */
export function renderEventTypes(): string {
  const schemas = [UserDataSchema, CustomDataSchema, ConsentSchema, EventContextSchema, EventSchema, EventBatchSchema];
  const parts = schemas.map((schema) => {
    const converted = convertSchema({ defaultToRequired: false, sortPropertiesByName: false }, schema);
    if (!converted) throw new Error('joi-to-typescript could not convert a schema');
    return converted.content;
  });
  return `${HEADER}\n${parts.join('\n\n')}\n`;
}

if (require.main === module) {
  writeFileSync(join(__dirname, '..', '..', 'src', 'schema', 'event.types.ts'), renderEventTypes());
}
