import { applyEventRules, describeEventRules, eventRulesSchema } from './event-rules';

describe('event rules', () => {
  it('lets every event through under its own name when there are no rules', () => {
    expect(applyEventRules({}, 'Purchase')).toEqual({ kept: true, name: 'Purchase', renamed: false });
  });

  it('keeps events off an allow list, naming the rule', () => {
    expect(applyEventRules({ only: ['Purchase', 'Lead'] }, 'Lead')).toEqual({ kept: true, name: 'Lead', renamed: false });
    expect(applyEventRules({ only: ['Purchase', 'Lead'] }, 'PageView')).toEqual({ kept: false, reason: 'event "PageView" is not in this destination\'s event list' });
  });

  it('keeps events on a deny list away', () => {
    expect(applyEventRules({ except: ['PageView'] }, 'PageView')).toMatchObject({ kept: false });
    expect(applyEventRules({ except: ['PageView'] }, 'Purchase')).toMatchObject({ kept: true });
  });

  it('matches names exactly (case included), as the event schema stores them', () => {
    expect(applyEventRules({ only: ['Purchase'] }, 'purchase')).toMatchObject({ kept: false });
  });

  it('renames what it keeps, and says so', () => {
    const rules = { only: ['Lead'], rename: { Lead: 'SubmitForm' } };
    expect(applyEventRules(rules, 'Lead')).toEqual({ kept: true, name: 'SubmitForm', renamed: true });
    // A rename does not admit an event the allow list keeps away.
    expect(applyEventRules({ only: ['Purchase'], rename: { Lead: 'SubmitForm' } }, 'Lead')).toMatchObject({ kept: false });
  });

  it('refuses an allow list together with a deny list, and empty or duplicate names', () => {
    expect(eventRulesSchema.validate({ only: ['A'], except: ['B'] }).error?.message).toBe('an allow list (--events) and a deny list (--skip-events) cannot be combined');
    expect(eventRulesSchema.validate({ only: [] }).error).toBeDefined();
    expect(eventRulesSchema.validate({ only: ['A', 'A'] }).error).toBeDefined();
    expect(eventRulesSchema.validate({ rename: { Lead: '' } }).error).toBeDefined();
    expect(eventRulesSchema.validate({ only: ['Purchase'], rename: { Lead: 'SubmitForm' } }).error).toBeUndefined();
  });

  it('describes the rules in one line for operators', () => {
    expect(describeEventRules({})).toBe('');
    expect(describeEventRules({ only: ['Purchase', 'Lead'], rename: { Lead: 'SubmitForm' } })).toBe('only Purchase, Lead; as Lead=SubmitForm');
    expect(describeEventRules({ except: ['PageView'] })).toBe('all but PageView');
  });
});
