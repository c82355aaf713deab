import { createHash } from 'node:crypto';
import type { PublishedPixel } from '@attribution/pixel';
import { precomputePixelAssets } from './pixel-assets';

const pixel = (version: string): PublishedPixel => {
  const body = Buffer.from(`/* ${version} */`);
  return { version, body, sha256: createHash('sha256').update(body).digest('hex') };
};

describe('precomputePixelAssets', () => {
  it('keys each version by its exact URL path', () => {
    expect([...precomputePixelAssets([pixel('v1'), pixel('v1.1')]).keys()]).toEqual(['/v1/tracking.js', '/v1.1/tracking.js']);
  });

  it.each(['..', '.', 'v1/../v2', 'v1%2f', '', '.hidden', 'v 1'])('refuses the version %j at boot: it is not one plain path segment', (version) => {
    expect(() => precomputePixelAssets([pixel(version)])).toThrow('is not a single URL path segment');
  });

  it('refuses a version published twice', () => {
    expect(() => precomputePixelAssets([pixel('v1'), pixel('v1')])).toThrow('pixel version v1 is published twice');
  });
});
