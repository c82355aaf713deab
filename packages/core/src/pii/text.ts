/*
 * Character classes shared by the normalisers. They are Unicode-aware because Meta keeps
 * non-ASCII letters (UTF-8) and Google only asks to drop digits and symbols, not accents.
 * Combining marks (\p{M}) count as letters: they are part of the letter in decomposed or
 * abugida scripts, and removing them would change the name rather than clean it.
 */
export const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{M}\p{N}]/gu;
export const NOT_LETTER_OR_SPACE = /[^\p{L}\p{M}\s]/gu;
export const NOT_LETTER_DIGIT_OR_SPACE = /[^\p{L}\p{M}\p{N}\s]/gu;

/**
 * Lowercase, then compose to NFC: the same "José" typed on two devices can arrive precomposed
 * or decomposed, and the hash must not depend on that. Lowercasing first because it can emit
 * decomposed sequences (e.g. "İ") that NFC then settles.
 */
export function lowerNfc(raw: string): string {
  return raw.toLowerCase().normalize('NFC');
}

/** Removing symbols can leave double or edge spaces ("Jean - Luc"); they carry no identity. */
export function squeezeSpaces(value: string): string | null {
  const squeezed = value.replace(/\s+/gu, ' ').trim();
  return squeezed === '' ? null : squeezed;
}

export function nonEmpty(value: string): string | null {
  return value === '' ? null : value;
}

/**
 * Key for looking names up in the country / state tables only (never hashed): folds accents,
 * "&" vs "and", "St." vs "Saint" and a leading "the", so "Québec", "Trinidad & Tobago" and
 * "The Netherlands" find their codes.
 */
export function lookupKey(raw: string): string {
  return raw
    .normalize('NFD')
    .toLowerCase()
    .replace(/\p{M}/gu, '')
    .replace(/&/g, ' and ')
    .replace(/\bst\b\.?/g, 'saint')
    .replace(/^\W*the\b/, '')
    .replace(/[^a-z]/g, '');
}
