import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { startInfrastructure } from './support/infrastructure';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseAdminUrl: string;
    temporalAddress: string;
    smtpUrl: string;
    mailApiUrl: string;
    workflowBundlePath: string;
    browserWsEndpoint: string;
    tmpDir: string;
  }
}

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts the real servers and one Chromium once per test run. */
export default async function setup(project: TestProject) {
  const infrastructure = await startInfrastructure();
  let browser: BrowserServer;
  try {
    browser = await chromium.launchServer({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (error) {
    await infrastructure.stop();
    throw error;
  }
  project.provide('databaseAdminUrl', infrastructure.databaseAdminUrl);
  project.provide('temporalAddress', infrastructure.temporalAddress);
  project.provide('smtpUrl', infrastructure.smtpUrl);
  project.provide('mailApiUrl', infrastructure.mailApiUrl);
  project.provide('workflowBundlePath', infrastructure.workflowBundlePath);
  project.provide('browserWsEndpoint', browser.wsEndpoint());
  project.provide('tmpDir', infrastructure.tmpDir);
  return async () => {
    await browser.close().catch(() => undefined);
    await infrastructure.stop();
  };
}
