import { createDbClient, type PrismaClient, type Tenant } from '@attribution/db';
import type { CliEnv } from './cli-env';
import { NotFoundError, ValidationError } from './cli-errors';
import { tenantIdOption } from './cli-validate';
import type { OptionValues } from './command';
import type { Output } from './output';

/** Interactive transactions: generous limits, an admin command may wait behind busy apps. */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 60_000 } as const;

/** What a command's action gets: its parsed options, the environment, a lazy database client. */
export class CommandContext {
  private client: PrismaClient | undefined;

  constructor(
    readonly options: OptionValues,
    readonly args: string[],
    readonly env: CliEnv,
    readonly out: Output,
    /** All of stdin as text (for secrets given as `-`). */
    readonly readStdin: () => Promise<string>,
  ) {}

  get db(): PrismaClient {
    this.client ??= createDbClient(this.env.DATABASE_URL, { poolMax: 2, connectionTimeoutMillis: 5_000, applicationName: 'attribution-cli' });
    return this.client;
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
    const tenant = await this.db.tenant.findUnique({ where: { id } });
    if (!tenant) throw new NotFoundError(`tenant ${id} not found`);
    return tenant;
  }

  async close(): Promise<void> {
    await this.client?.$disconnect();
  }
}
