import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Debian's package; `CHROMIUM_PATH` names another build (CI runners that ship no such package). */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`);
  }
  return path;
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
