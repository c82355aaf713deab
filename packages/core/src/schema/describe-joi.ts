import type Joi from 'joi';

/** Validation options under which Joi messages carry no label, so we control the wording. */
export const JOI_MESSAGE_OPTIONS: Joi.ValidationOptions['errors'] = { label: false, wrap: { label: false } };

/**
 * Joi's own text for pattern rules contains the rejected value, and inputs may be personal data
 * or secrets: those rules get a fixed sentence (a schema's own `.messages()` still wins).
 */
export function describeJoiProblem(detail: Joi.ValidationErrorItem): string {
  if (detail.type.startsWith('string.pattern') && /with value/.test(detail.message)) return 'fails to match the required pattern';
  return detail.message;
}
