import type { Logger } from '@attribution/core';
import { openDestinationCredentials, type CredentialsKey, type CredentialsKeyring, type Destination, type DestinationRepository } from '@attribution/db';
import { eventRulesSchema, isPlatform, platformDefinition, type ConsentPolicy, type DestinationConfig, type Platform } from '@attribution/destinations';

/**
 * Why a destination cannot be sent to. Its events are parked (replayable), never dropped.
 * `operatorMustSet`: its stored settings or credentials do not pass the platform's schema, so the
 * destination is marked as needing credentials until an operator sets it again; otherwise the
 * fault is this process's (neither CREDENTIALS_KEY nor CREDENTIALS_KEY_PREVIOUS opens what is
 * stored), and the row is left as it is for the dispatchers that can.
 */
export interface DestinationProblem {
  reason: string;
  operatorMustSet: boolean;
}

/** A destination as the pipeline uses it. */
export interface RoutedDestination {
  platform: Platform;
  config: DestinationConfig;
  problem: DestinationProblem | null;
  /** The row's updated_at when it was read: which credentials this routing holds. */
  version: Date;
}

export interface TenantRouting {
  consentPolicy: ConsentPolicy;
  destinations: RoutedDestination[];
}

interface CacheEntry {
  routing: TenantRouting;
  expiresAt: number;
}

/**
 * A tenant's destinations with decrypted credentials and typed settings, cached briefly: the
 * consumer asks for every event, while credentials change a few times a year (and a change
 * notification drops the entry at once). A destination whose credentials cannot be decrypted
 * is routed with a problem (its events parked, never sent with garbage); one whose platform
 * this version does not know is left out and reported.
 */
export class DestinationRouting {
  private readonly cache = new Map<string, CacheEntry>();
  /** Bumped by every invalidation: a read that started before one must not fill the cache. */
  private generation = 0;

  constructor(
    /** A keyring during a key rotation: rows sealed under either key open. */
    private readonly config: { credentialsKey: CredentialsKey | CredentialsKeyring; cacheTtlMs: number },
    private readonly deps: { destinations: DestinationRepository; logger: Logger },
  ) {}

  async routingFor(tenantId: string): Promise<TenantRouting> {
    const cached = this.cache.get(tenantId);
    if (cached && cached.expiresAt > Date.now()) return cached.routing;
    const generation = this.generation;
    const stored = await this.deps.destinations.routing(tenantId);
    const routing: TenantRouting = {
      consentPolicy: stored.consentPolicy,
      destinations: stored.destinations.flatMap((row) => this.open(tenantId, row)),
    };
    // A change notified while this read was on its way may not be in what it read.
    if (generation === this.generation) this.cache.set(tenantId, { routing, expiresAt: Date.now() + this.config.cacheTtlMs });
    return routing;
  }

  /** The platform refused these credentials: park the destination until an operator renews them (unless one did meanwhile). */
  async markNeedsCredentials(destination: RoutedDestination): Promise<void> {
    await this.deps.destinations.markNeedsCredentials(destination.config.tenantId, destination.platform, destination.version);
    this.invalidate(destination.config.tenantId);
  }

  /** Whether an operator set the destination again since this routing read it. */
  renewedSince(destination: RoutedDestination): Promise<boolean> {
    return this.deps.destinations.renewedSince(destination.config.tenantId, destination.platform, destination.version);
  }

  invalidate(tenantId?: string): void {
    this.generation += 1;
    if (tenantId) this.cache.delete(tenantId);
    else this.cache.clear();
  }

  private open(tenantId: string, row: Destination): RoutedDestination[] {
    if (!isPlatform(row.platform)) {
      this.deps.logger.error('destination_platform_unknown', { tenant_id: tenantId, destination: row.platform });
      return [];
    }
    // Rules are checked where written (the CLI); a row that no longer passes sends nothing rather
    // than everything: its events are parked until an operator sets the rules again.
    const rules = eventRulesSchema.validate(row.eventRules ?? {}, { stripUnknown: true });
    const base = { tenantId, platform: row.platform, status: row.status, testMode: row.testMode, rules: rules.error ? {} : rules.value };
    let credentials: Record<string, unknown>;
    try {
      credentials = row.credentialsEncrypted ? openDestinationCredentials(tenantId, row.platform, row.credentialsEncrypted, this.config.credentialsKey) : {};
    } catch (error) {
      this.deps.logger.error('destination_credentials_unreadable', { tenant_id: tenantId, destination: row.platform, error });
      const reason = "destination credentials cannot be opened with this dispatcher's CREDENTIALS_KEY";
      return [{ platform: row.platform, problem: { reason, operatorMustSet: false }, config: { ...base, settings: {}, credentials: {} }, version: row.updatedAt }];
    }
    const definition = platformDefinition(row.platform);
    // Values that were checked when written, checked again as they are read: the adapter gets them typed.
    const settings = definition.settings.validate(row.settings ?? {}, { stripUnknown: true });
    const secrets = definition.credentials.validate(credentials, { stripUnknown: true });
    const invalid = settings.error
      ? `destination settings are invalid: ${settings.error.message}`
      : secrets.error
        ? `destination credentials are invalid: ${secrets.error.message}`
        : rules.error
          ? `destination event rules are invalid: ${rules.error.message}`
          : null;
    const problem = invalid ? { reason: invalid, operatorMustSet: true } : null;
    return [{ platform: row.platform, problem, config: { ...base, settings: settings.value, credentials: secrets.value }, version: row.updatedAt }];
  }
}
