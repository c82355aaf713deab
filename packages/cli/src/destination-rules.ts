import { eventRulesSchema, missingTestSetting, platformDefinition, type EventRules, type Platform } from '@attribution/destinations';
import type { Destination } from '@attribution/db';
import { ValidationError } from './cli-errors';
import { flagOption, valueOption, type CliOption } from './cli-options';
import type { CommandContext } from './context';

/** The options of `destination set` that say which events go and how they are named. */
export function ruleOptions(): CliOption[] {
  return [
    valueOption('--events <names>', 'only these event names go (comma-separated; `all` lifts the list)'),
    valueOption('--skip-events <names>', 'these event names never go (comma-separated; `none` lifts the list)'),
    valueOption('--map <From=To,...>', 'send an event under another name, e.g. Lead=SubmitForm (`none` lifts every mapping)'),
    flagOption('--test-mode', "send through the platform's test mechanism (test_event_code, validateOnly, GA4's validation server)"),
    flagOption('--live', 'leave test mode: send for real'),
  ];
}

export interface DestinationBehaviour {
  testMode: boolean;
  rules: EventRules;
}

const names = (option: string, raw: string): string[] => {
  const list = raw.split(',').map((n) => n.trim());
  if (list.some((n) => n === '')) throw new ValidationError(`option '--${option}': an empty event name in '${raw}' (comma-separated names, e.g. Purchase,Lead)`);
  return list;
};

function renames(raw: string): Record<string, string> {
  const pairs = raw.split(',').map((pair) => pair.split('='));
  const bad = pairs.find((pair) => pair.length !== 2 || pair.some((side) => side.trim() === ''));
  if (bad) throw new ValidationError(`option '--map': '${bad.join('=')}' is not From=To (e.g. --map Lead=SubmitForm,Purchase=CompletePayment)`);
  return Object.fromEntries(pairs.map(([from, to]) => [from!.trim(), to!.trim()]));
}

/**
 * The destination's rules and test mode after this `destination set`: what the options say,
 * and what was stored for whatever they leave out (renewing a token keeps the rules).
 */
export function destinationBehaviour(ctx: CommandContext, platform: Platform, settings: Record<string, string>, previous: Destination | null): DestinationBehaviour {
  if (ctx.flag('test-mode') && ctx.flag('live')) throw new ValidationError("options '--test-mode' and '--live' cannot be combined");
  const stored = (previous?.eventRules ?? {}) as EventRules;
  const rules: EventRules = { ...stored };
  const only = ctx.string('events');
  const except = ctx.string('skip-events');
  const map = ctx.string('map');
  if (only !== undefined) {
    if (only === 'all') delete rules.only;
    else rules.only = names('events', only);
  }
  if (except !== undefined) {
    if (except === 'none') delete rules.except;
    else rules.except = names('skip-events', except);
  }
  // A new list of one kind replaces the stored list of the other kind.
  if (only !== undefined && only !== 'all') delete rules.except;
  if (except !== undefined && except !== 'none') delete rules.only;
  if (map !== undefined) {
    if (map === 'none') delete rules.rename;
    else rules.rename = renames(map);
  }
  const { error, value } = eventRulesSchema.validate(rules);
  if (error) throw new ValidationError(`event rules: ${error.message}`);

  const testMode = ctx.flag('test-mode') ? true : ctx.flag('live') ? false : (previous?.testMode ?? false);
  const missing = testMode ? missingTestSetting(platformDefinition(platform), settings) : null;
  if (missing) throw new ValidationError(`test mode for ${platform} needs ${missing} (${platformDefinition(platform).testMechanism.description})`);
  return { testMode, rules: value };
}
