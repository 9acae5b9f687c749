import { DefaultLogger, Runtime } from '@temporalio/worker';

// One Temporal runtime per test process, logging warnings and errors only.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process by an earlier test file
}
