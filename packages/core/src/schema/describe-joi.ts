import type Joi from 'joi';

/** Validation options under which Joi messages carry no label, so we control the wording. */
export const JOI_MESSAGE_OPTIONS: Joi.ValidationOptions['errors'] = { label: false, wrap: { label: false } };

/** Joi quotes the offending value for some rules; inputs may be personal data or secrets. */
export function describeJoiProblem(detail: Joi.ValidationErrorItem): string {
  return detail.message.replace(/with value ".*?" /, '');
}
