import type { Platform } from '@attribution/destinations';
import { FakeDataManager } from './fake-data-manager';
import { FakeGa4 } from './fake-ga4';
import { FakeMetaGraph } from './fake-meta-graph';
import type { FakePlatformServer, ProvisionedDestination } from './fake-platform-server';
import { FakeTiktok } from './fake-tiktok';

/** A platform's strict fake: a server to start, and destinations it accepts. */
export type PlatformFake = FakePlatformServer & { start(): Promise<unknown>; provision(n: number): ProvisionedDestination };

/**
 * The strict fake of every platform in the destinations registry: a platform without one does
 * not compile here (docs/destinations.md, "Adding a platform").
 */
export const PLATFORM_FAKES: { readonly [P in Platform]: () => PlatformFake } = {
  meta: () => new FakeMetaGraph(),
  ga4: () => new FakeGa4(),
  google_ads: () => new FakeDataManager(),
  tiktok: () => new FakeTiktok(),
};
