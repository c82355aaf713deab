import Joi from 'joi';
import type { EnvFields, EnvOf } from '@attribution/runtime';
import type { ConsentRequirements } from './consent/consent-requirements';
import type { DestinationAdapter } from './destination-adapter';
import type { IdentifierProfile } from './identifiers/identifier-profile';

/** A secret as operators paste it: 8 or more printable ASCII characters, no spaces. */
export const PRINTABLE_SECRET = /^[\x21-\x7e]{8,2048}$/;

/** One value an operator gives `attribution destination set <platform>`, and where it is kept. */
export interface DestinationOption {
  /** The CLI option, e.g. `pixel-id`. */
  readonly name: string;
  /** Its key in the destination's settings or (sealed) credentials. */
  readonly key: string;
  /** Credentials are encrypted at rest, masked when shown, and may be read from stdin (`-`). */
  readonly in: 'settings' | 'credentials';
  readonly required: boolean;
  readonly pattern: RegExp;
  /** What a valid value looks like, for the error when it does not match. */
  readonly expected: string;
  readonly description: string;
  readonly valueName: string;
  /** Stored upper-cased (a case-insensitive id). */
  readonly uppercase?: boolean;
}

export interface PlatformLimits {
  /** Events handed to one `send()`. */
  readonly maxBatchSize: number;
  /** Events handed to one `send()` in test mode, where the platform's test path takes fewer (TikTok: one). */
  readonly maxTestBatchSize?: number;
  /** What a refusal covers: the whole batch (one bad event fails all), one request, or one event. */
  readonly refusal: 'whole-batch' | 'per-request' | 'per-event';
  /** The oldest event the platform still takes. */
  readonly maxEventAgeSeconds: number;
  /** How long the platform deduplicates a repeated event id; null when it documents no dedup. */
  readonly dedupWindowSeconds: number | null;
}

/**
 * How a destination in test mode (`destination set --test-mode`) reaches the platform without
 * affecting its reports, and what `destination test` prints the verdict of.
 */
export interface TestMechanism {
  readonly kind: 'test-event-code' | 'validation-endpoint' | 'validate-only';
  readonly description: string;
  /** The option (its settings key) test mode needs, e.g. the code Events Manager shows; none when the platform needs nothing. */
  readonly setting?: string;
}

/**
 * Everything the engine needs to know about one ad platform, declared in its folder and listed
 * once in the registry: the CLI, consent, hashing, delivery, retries and metrics read it from
 * there. See docs/destinations.md for the recipe to add one.
 */
export interface PlatformDefinition<Id extends string = string, S = unknown, C = unknown, E extends EnvFields = EnvFields, I extends IdentifierProfile = IdentifierProfile> {
  readonly id: Id;
  readonly displayName: string;
  /** The API version spoken (also in the default base URL). */
  readonly apiVersion: string;
  readonly options: readonly DestinationOption[];
  /** Built from `options`: validated where written (the CLI), parsed where read (the dispatcher). */
  readonly settings: Joi.ObjectSchema<S>;
  readonly credentials: Joi.ObjectSchema<C>;
  readonly consent: ConsentRequirements;
  readonly identifiers: I;
  readonly limits: PlatformLimits;
  /** Retries stop before this (an hour short of the platform's maximum event age). */
  readonly retryHorizonSeconds: number;
  readonly testMechanism: TestMechanism;
  /** The platform's own environment variables (its base URL). */
  readonly env: E;
  createAdapter(config: { env: EnvOf<E>; timeoutMs: number }): DestinationAdapter<S, C>;
}

/** The CLI option (`--test-event-code`) test mode needs and these settings lack; null when nothing is missing. */
export function missingTestSetting(definition: Pick<PlatformDefinition, 'options' | 'testMechanism'>, settings: Readonly<Record<string, unknown>>): string | null {
  const needed = definition.testMechanism.setting;
  if (!needed || settings[needed] !== undefined) return null;
  return `--${definition.options.find((o) => o.key === needed)?.name ?? needed}`;
}

/** The declaration of a platform; settings and credentials schemas come from its options. */
export function definePlatform<const Id extends string, S, C, E extends EnvFields, I extends IdentifierProfile>(
  definition: Omit<PlatformDefinition<Id, S, C, E, I>, 'settings' | 'credentials' | 'retryHorizonSeconds'>,
): PlatformDefinition<Id, S, C, E, I> {
  return {
    ...definition,
    settings: optionsSchema<S>(definition.options, 'settings'),
    credentials: optionsSchema<C>(definition.options, 'credentials'),
    // So the last try is not refused for age on arrival.
    retryHorizonSeconds: definition.limits.maxEventAgeSeconds - 3600,
  };
}

function optionsSchema<T>(options: readonly DestinationOption[], where: DestinationOption['in']): Joi.ObjectSchema<T> {
  const keys = options
    .filter((option) => option.in === where)
    .map((option) => {
      let rule = Joi.string();
      if (option.uppercase) rule = rule.uppercase();
      rule = rule.pattern(option.pattern).messages({ 'string.pattern.base': `{{#label}} must be ${option.expected}` });
      return [option.key, option.required ? rule.required() : rule] as const;
    });
  return Joi.object(Object.fromEntries(keys)) as Joi.ObjectSchema<T>;
}
