export { loadPublishedVersions, readManifest, PUBLISHED_VERSIONS_DIR } from './published-versions';
export type { Manifest, ManifestEntry, PublishedPixel } from './published-versions';
