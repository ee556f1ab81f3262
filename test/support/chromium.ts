import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether browser tests can run: a missing Chromium skips them locally, fails them under CI. */
export function chromiumAvailable(): boolean {
  const found = existsSync(CHROMIUM);
  if (!found && process.env.CI)
    throw new Error(
      `Chromium is missing at ${CHROMIUM}, and CI must run the browser tests (.ci/run installs it)`,
    );
  if (!found)
    console.warn(
      `Chromium not found at ${CHROMIUM}: browser tests skipped (apt-get install chromium to run them)`,
    );
  return found;
}

/**
 * Debian's Chromium, headless, kept off the network but for loopback; playwright gives
 * each launch a fresh temporary profile (its --user-data-dir).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
