import { type BrowserContext, type BrowserContextOptions, chromium } from 'playwright-core';
import { makeTempDir } from './temp-dir.js';

/** Debian's chromium package; .ci/run installs it when missing. */
export const chromiumPath = '/usr/bin/chromium';

export interface HeadlessChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, kept off the network but for the pages a test opens. */
export async function launchChromium(
  options: BrowserContextOptions = {},
): Promise<HeadlessChromium> {
  const profile = await makeTempDir('chromium');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await profile.remove();
    },
  };
}
