import type { ConsentRequirements } from './consent/consent-requirements';
import { PRINTABLE_SECRET, type DestinationOption } from './platform-definition';

/**
 * What the ad platforms that are not TCF vendors and have no Consent Mode switch of their own
 * (Meta, TikTok) need: a conversion is advertising use of personal data, so ad storage, user data
 * and personalisation must all be allowed (docs/consent.md justifies it per platform).
 */
export const ADVERTISING_CONSENT: ConsentRequirements = {
  blockIfDenied: ['ad_storage', 'ad_user_data', 'ad_personalization'],
  requireGranted: ['ad_storage', 'ad_user_data'],
  tcf: { kind: 'purposes', purposes: [1, 3, 4, 7] },
};

/** The `--test-event-code` a platform's Events Manager shows, sent in test mode (Meta, TikTok). */
export function testEventCodeOption(where: string): DestinationOption {
  return {
    name: 'test-event-code',
    key: 'test_event_code',
    in: 'settings',
    required: false,
    pattern: /^[A-Za-z0-9_-]{1,64}$/,
    expected: 'a test event code such as TEST12345',
    description: `test event code (${where}), sent in test mode`,
    valueName: 'code',
  };
}

/** A required `--access-token`, sealed with the credentials (`-` reads it from stdin). */
export function accessTokenOption(what: string): DestinationOption {
  return {
    name: 'access-token',
    key: 'access_token',
    in: 'credentials',
    required: true,
    pattern: PRINTABLE_SECRET,
    expected: 'an access token (8 or more printable characters, no spaces)',
    description: `${what} (\`-\` reads it from stdin)`,
    valueName: 'token',
  };
}
