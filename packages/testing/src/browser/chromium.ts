import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { repoRoot } from '../infra/go-tools';

let installed: string | undefined;

/**
 * Debian's Chromium, installed on first use by infra/tools/chromium.sh (apt-get, as root: a
 * minute or two on a fresh machine), so `npm test` needs no manual step; `CHROMIUM_PATH` names
 * another build (hosted CI runners that ship no such package).
 */
export function chromiumPath(): string {
  installed ??= execFileSync('bash', [join(repoRoot(), 'infra', 'tools', 'chromium.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return installed;
}

export interface BrowserOptions {
  /** Host names the browser resolves to 127.0.0.1, so pages can use real-looking domains (cookies on `.example.com`). */
  loopbackHosts?: string[];
}

/**
 * Real headless Chromium through playwright-core. Playwright gives every launch a fresh profile
 * directory; the flags keep the browser off the network and quiet (no updates, sync or QUIC).
 */
export async function launchChromium(options: BrowserOptions = {}): Promise<Browser> {
  // Loaded on use: every integration test imports this package, few of them drive a browser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const rules = (options.loopbackHosts ?? []).map((host) => `MAP ${host} 127.0.0.1`).join(', ');
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(rules ? [`--host-resolver-rules=${rules}`] : []),
    ],
  });
}
