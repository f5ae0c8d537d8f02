// @ts-check
import { existsSync } from 'node:fs';

/** Flags that let Chromium run headless as root on a machine with no outside network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Finds the Chromium the tests drive: `CHROME_PATH` first, then Debian's `/usr/bin/chromium`.
 * Throws one line saying how to install it when none is found (we never download browsers).
 * @returns {string}
 */
export function findChromium() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(
    'No Chromium found: install it with `apt-get install -y chromium` (Debian) or set CHROME_PATH to a Chromium/Chrome binary.',
  );
}
