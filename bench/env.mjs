// @ts-check
/** The machine and browser a bench ran on, recorded with its results (`env`). */
import os from 'node:os';

/**
 * @param {import('playwright-core').Browser} browser the Chromium the bench drove
 * @param {boolean} quick whether this was a `--quick` run
 */
export function benchEnv(browser, quick) {
  return {
    chromium: browser.version(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    platform: `${os.platform()} ${os.release()}`,
    quick,
  };
}
