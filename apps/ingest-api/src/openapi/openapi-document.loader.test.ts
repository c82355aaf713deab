import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOpenApiDocument } from './openapi-document.loader';

describe('loadOpenApiDocument', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'openapi-loader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns the bytes of the built document', () => {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, '{"openapi":"3.1.1"}\n');
    expect(loadOpenApiDocument(file).toString()).toBe('{"openapi":"3.1.1"}\n');
  });

  it.each([
    ['missing', path.join(dir, 'absent.json'), /ENOENT/],
    ['not JSON', path.join(dir, 'truncated.json'), /JSON/],
  ])('stops the boot when the document is %s, saying the build writes it', (_what, file, reason) => {
    writeFileSync(path.join(dir, 'truncated.json'), '{"openapi":');
    expect(() => loadOpenApiDocument(file)).toThrow(/is missing or invalid \(npm run build writes it\), refusing to start: /);
    expect(() => loadOpenApiDocument(file)).toThrow(reason);
  });
});
