import type { Platform } from '@attribution/destinations';
import { FakeDataManager } from './fake-data-manager';
import { FakeGa4 } from './fake-ga4';
import { FakeMetaGraph } from './fake-meta-graph';
import type { FakePlatformServer } from './fake-platform-server';
import { FakeTiktok } from './fake-tiktok';

/**
 * The strict fake of every platform in the destinations registry: a platform without one does
 * not compile here (docs/destinations.md, "Adding a platform").
 */
export const PLATFORM_FAKES: { readonly [P in Platform]: () => FakePlatformServer & { start(): Promise<unknown> } } = {
  meta: () => new FakeMetaGraph(),
  ga4: () => new FakeGa4(),
  tiktok: () => new FakeTiktok(),
  google_ads: () => new FakeDataManager(),
};
