import type { PublishedPixel } from '@attribution/pixel';
import { loadVerifiedPixels } from './verified-pixels.loader';

describe('loadVerifiedPixels', () => {
  it('returns what the loader verified', () => {
    const versions: PublishedPixel[] = [{ version: 'v1', body: Buffer.from('x'), sha256: 'ab' }];
    expect(loadVerifiedPixels(() => versions)).toBe(versions);
  });

  it('stops the boot with the reason on its first line when verification fails', () => {
    const mismatch = new Error('v1/tracking.js: SHA-256 does not match the manifest\nexpected …');
    let thrown: unknown;
    try {
      loadVerifiedPixels(() => {
        throw mismatch;
      });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).message.split('\n')[0]).toBe(
      'published pixel versions failed verification, refusing to start: v1/tracking.js: SHA-256 does not match the manifest',
    );
    expect((thrown as Error).cause).toBe(mismatch);
  });
});
