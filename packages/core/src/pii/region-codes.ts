import { lookupKey } from './text';

/*
 * Meta wants US states as their 2-letter ANSI code. Canadian provinces are mapped too, as Meta's
 * own capi-param-builder does, so hashes from both paths agree. Other countries have no
 * documented code list, so their regions stay as normalised names.
 */
const US_STATES: Record<string, string> = {
  al: 'Alabama', ak: 'Alaska', az: 'Arizona', ar: 'Arkansas', ca: 'California',
  co: 'Colorado', ct: 'Connecticut', de: 'Delaware', fl: 'Florida', ga: 'Georgia',
  hi: 'Hawaii', id: 'Idaho', il: 'Illinois', in: 'Indiana', ia: 'Iowa',
  ks: 'Kansas', ky: 'Kentucky', la: 'Louisiana', me: 'Maine', md: 'Maryland',
  ma: 'Massachusetts', mi: 'Michigan', mn: 'Minnesota', ms: 'Mississippi', mo: 'Missouri',
  mt: 'Montana', ne: 'Nebraska', nv: 'Nevada', nh: 'New Hampshire', nj: 'New Jersey',
  nm: 'New Mexico', ny: 'New York', nc: 'North Carolina', nd: 'North Dakota', oh: 'Ohio',
  ok: 'Oklahoma', or: 'Oregon', pa: 'Pennsylvania', ri: 'Rhode Island', sc: 'South Carolina',
  sd: 'South Dakota', tn: 'Tennessee', tx: 'Texas', ut: 'Utah', vt: 'Vermont',
  va: 'Virginia', wa: 'Washington', wv: 'West Virginia', wi: 'Wisconsin', wy: 'Wyoming',
  dc: 'District of Columbia', as: 'American Samoa', gu: 'Guam', mp: 'Northern Mariana Islands',
  pr: 'Puerto Rico', vi: 'U.S. Virgin Islands',
};

const CA_PROVINCES: Record<string, string> = {
  ab: 'Alberta', bc: 'British Columbia', mb: 'Manitoba', nb: 'New Brunswick',
  nl: 'Newfoundland and Labrador', ns: 'Nova Scotia', nt: 'Northwest Territories',
  nu: 'Nunavut', on: 'Ontario', pe: 'Prince Edward Island', qc: 'Quebec',
  sk: 'Saskatchewan', yt: 'Yukon',
};

const CODE_BY_NAME = new Map<string, string>(
  Object.entries({ ...US_STATES, ...CA_PROVINCES }).map(([code, name]) => [lookupKey(name), code]),
);
CODE_BY_NAME.set(lookupKey('Washington DC'), 'dc');
CODE_BY_NAME.set(lookupKey('Virgin Islands'), 'vi');
CODE_BY_NAME.set(lookupKey('Newfoundland'), 'nl');

/** Lowercase 2-letter code for a US state / Canadian province name, or null if it is not one. */
export function usOrCaRegionCode(name: string): string | null {
  return CODE_BY_NAME.get(lookupKey(name)) ?? null;
}
