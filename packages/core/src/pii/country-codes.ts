import { lookupKey } from './text';

// ISO 3166-1 alpha-2, officially assigned codes only (249): both platforms reject anything else.
const ISO_ALPHA2 = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ ' +
    'BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM ' +
    'DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS ' +
    'GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN ' +
    'KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ ' +
    'MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM ' +
    'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV ' +
    'SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI ' +
    'VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

// Common spellings the English ICU names below miss, including names ICU has since changed
// ("Turkey" → "Türkiye"), so a Node upgrade cannot silently start dropping countries.
const ALIASES: Record<string, string> = {
  usa: 'US', 'united states of america': 'US', america: 'US',
  uk: 'GB', 'great britain': 'GB', britain: 'GB', england: 'GB', scotland: 'GB', wales: 'GB',
  'northern ireland': 'GB', holland: 'NL', 'czech republic': 'CZ', czechia: 'CZ',
  turkey: 'TR', turkiye: 'TR', russia: 'RU', 'russian federation': 'RU', 'south korea': 'KR',
  'republic of korea': 'KR', 'north korea': 'KP', 'hong kong': 'HK', macau: 'MO', macao: 'MO',
  'ivory coast': 'CI', 'cape verde': 'CV', 'cabo verde': 'CV', 'east timor': 'TL',
  swaziland: 'SZ', macedonia: 'MK', burma: 'MM', myanmar: 'MM', palestine: 'PS',
  'democratic republic of the congo': 'CD', 'republic of the congo': 'CG', 'viet nam': 'VN',
  vatican: 'VA', 'holy see': 'VA', uae: 'AE',
};

/*
 * Full English names come from ICU rather than a hand-kept list of 249 names. ICU's own
 * spellings ("Bosnia & Herzegovina", "St. Lucia") are folded by lookupKey, so "Bosnia and
 * Herzegovina" and "Saint Lucia" match them.
 */
function buildCodeByName(): Map<string, string> {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const byName = new Map<string, string>();
  for (const code of ISO_ALPHA2) {
    const name = names.of(code);
    if (name !== undefined) byName.set(lookupKey(name), code);
  }
  for (const [alias, code] of Object.entries(ALIASES)) byName.set(lookupKey(alias), code);
  return byName;
}

const CODE_BY_NAME = buildCodeByName();

/**
 * Uppercase ISO alpha-2 for a code or a known name. Unknown names give null instead of the
 * first two letters (capi-param-builder's fallback), which would turn "Austria" into "au".
 */
export function toCountryCode(raw: string): string | null {
  const trimmed = raw.trim();
  const upper = trimmed.toUpperCase();
  if (upper.length === 2 && ISO_ALPHA2.has(upper)) return upper;
  return CODE_BY_NAME.get(lookupKey(trimmed)) ?? null;
}
