import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { freePort, startMailCatcher, startPostgres, startTemporal, type Service } from '../lib/stack';
import { workflowsPath } from '../worker';

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

/**
 * Starts the real servers once per test run. TEMPORAL_ADDRESS and
 * DATABASE_URL (an account that may create databases) point at existing
 * servers instead.
 */
export default async function setup(project: TestProject) {
  const services: Service[] = [];
  const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'workshop-test-'));
  await chmod(tmpDir, 0o755); // the postgres system user must reach its data folder
  let browser: BrowserServer | undefined;
  const teardown = async () => {
    await browser?.close().catch(() => undefined);
    for (const service of services.reverse()) await service.stop().catch((error) => console.error(error));
    await rm(tmpDir, { recursive: true, force: true });
  };
  try {
    const started = <T extends Service>(service: T) => {
      services.push(service);
      return service;
    };
    const [postgres, temporal, mail] = await Promise.all([
      process.env.DATABASE_URL
        ? undefined
        : startPostgres({ dataDir: path.join(tmpDir, 'postgres'), port: await freePort(), persistent: false, fast: true }).then(started),
      process.env.TEMPORAL_ADDRESS ? undefined : startTemporal({ port: await freePort() }).then(started),
      startMailCatcher({ smtpPort: await freePort(), webPort: await freePort() }).then(started),
    ]);

    const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
    const workflowBundlePath = path.join(tmpDir, 'workflow-bundle.js');
    await writeFile(workflowBundlePath, code);

    browser = await chromium.launchServer({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });

    project.provide('databaseAdminUrl', process.env.DATABASE_URL ?? postgres!.adminUrl);
    project.provide('temporalAddress', process.env.TEMPORAL_ADDRESS ?? temporal!.address);
    project.provide('smtpUrl', mail.smtpUrl);
    project.provide('mailApiUrl', `${mail.webUrl}/api`);
    project.provide('workflowBundlePath', workflowBundlePath);
    project.provide('browserWsEndpoint', browser.wsEndpoint());
    project.provide('tmpDir', tmpDir);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
