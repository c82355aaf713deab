import { ApiKeyRepository, createDbClient, CredentialsKeyring, DeliveryRepository, DestinationRepository, TenantRepository, type Db, type Tenant } from '@attribution/db';
import type { CliEnv } from './cli-env';
import { NotFoundError, ValidationError } from './cli-errors';
import { tenantIdOption } from './cli-validate';
import type { Output } from './output';

export type OptionValues = Record<string, string | string[] | boolean | undefined>;

/**
 * What a command's action gets: its parsed options, the environment, a lazy database client and
 * the repositories over it (commands never call the Prisma model API themselves).
 */
export class CommandContext {
  private client: Db | undefined;

  constructor(
    readonly options: OptionValues,
    readonly args: string[],
    readonly env: CliEnv,
    readonly out: Output,
    /** All of stdin as text (for secrets given as `-`). */
    readonly readStdin: () => Promise<string>,
  ) {}

  get db(): Db {
    this.client ??= createDbClient(this.env.DATABASE_URL, { poolMax: 2, connectionTimeoutMillis: 5_000, applicationName: 'attribution-cli' });
    return this.client;
  }

  get tenants(): TenantRepository {
    return new TenantRepository(this.db);
  }

  get apiKeys(): ApiKeyRepository {
    return new ApiKeyRepository(this.db);
  }

  get destinations(): DestinationRepository {
    return new DestinationRepository(this.db);
  }

  get deliveries(): DeliveryRepository {
    return new DeliveryRepository(this.db);
  }

  /**
   * CREDENTIALS_KEY seals; CREDENTIALS_KEY_PREVIOUS, when set, also opens (so `destination show`
   * and `test` work during a key rotation as the dispatcher does). Only for commands that need the key.
   */
  credentialsKeyring(): CredentialsKeyring {
    if (this.env.CREDENTIALS_KEY === undefined) throw new ValidationError('CREDENTIALS_KEY is required for this command');
    return new CredentialsKeyring(this.env.CREDENTIALS_KEY, this.env.CREDENTIALS_KEY_PREVIOUS);
  }

  string(name: string): string | undefined {
    const value = this.options[name];
    return typeof value === 'string' ? value : undefined;
  }

  /** A required option (the parser has already checked it is present). */
  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new ValidationError(`required option '--${name}' not specified`);
    return value;
  }

  list(name: string): string[] {
    const value = this.options[name];
    return Array.isArray(value) ? value : [];
  }

  flag(name: string): boolean {
    return this.options[name] === true;
  }

  /** The tenant named by `--tenant`; `tenant <id> not found` (exit 3) if there is none. */
  async tenant(option = 'tenant'): Promise<Tenant> {
    const id = tenantIdOption(this.required(option));
    const tenant = await this.tenants.find(id);
    if (!tenant) throw new NotFoundError(`tenant ${id} not found`);
    return tenant;
  }

  async close(): Promise<void> {
    await this.client?.$disconnect();
  }
}
