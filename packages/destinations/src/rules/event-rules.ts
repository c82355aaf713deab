import Joi from 'joi';

/**
 * Which events a destination gets, and under which name. Set per destination by an operator
 * (`attribution destination set ... --events Purchase,Lead --map Lead=SubmitForm`) and applied by
 * the dispatcher before consent is asked: an event a rule keeps away gets no request and a
 * `filtered` delivery record. Names match exactly, as the event schema stores them.
 */
export interface EventRules {
  /** Only these event names go (an allow list); absent: every name may go. */
  only?: string[];
  /** These event names never go (a deny list). Not together with `only`. */
  except?: string[];
  /** The name to send instead, by event name (`Lead` → `SubmitForm`, `Purchase` → a conversion action's name). */
  rename?: Record<string, string>;
}

export type RuleVerdict = { kept: true; name: string; renamed: boolean } | { kept: false; reason: string };

const eventName = Joi.string().trim().min(1).max(100);

export const eventRulesSchema: Joi.ObjectSchema<EventRules> = Joi.object<EventRules>({
  only: Joi.array().items(eventName).min(1).max(200).unique(),
  except: Joi.array().items(eventName).min(1).max(200).unique(),
  rename: Joi.object().pattern(eventName, eventName).max(200),
})
  .oxor('only', 'except')
  .messages({ 'object.oxor': 'an allow list (--events) and a deny list (--skip-events) cannot be combined' });

/** Pure: what the rules say of one event name. */
export function applyEventRules(rules: EventRules, name: string): RuleVerdict {
  if (rules.only && !rules.only.includes(name)) return { kept: false, reason: `event "${name}" is not in this destination's event list` };
  if (rules.except?.includes(name)) return { kept: false, reason: `event "${name}" is excluded from this destination` };
  const renamed = rules.rename?.[name];
  return renamed === undefined ? { kept: true, name, renamed: false } : { kept: true, name: renamed, renamed: true };
}

/** The rules as one line for operators (`destination show`), empty when there are none. */
export function describeEventRules(rules: EventRules): string {
  const parts: string[] = [];
  if (rules.only) parts.push(`only ${rules.only.join(', ')}`);
  if (rules.except) parts.push(`all but ${rules.except.join(', ')}`);
  const renames = Object.entries(rules.rename ?? {});
  if (renames.length > 0) parts.push(`as ${renames.map(([from, to]) => `${from}=${to}`).join(', ')}`);
  return parts.join('; ');
}
