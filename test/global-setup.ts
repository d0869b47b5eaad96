import { randomBytes } from 'node:crypto';
import { dropRunDatabases, testServerUrl } from './helpers/database.ts';

/**
 * Gives this test run an id, so every test file clones the same migrated
 * template, and drops the run's databases when the run ends.
 */
export default function setup(): () => Promise<void> {
  const runId = process.env.ROBUSTLAB_TEST_RUN_ID ?? randomBytes(4).toString('hex');
  process.env.ROBUSTLAB_TEST_RUN_ID = runId;

  return async () => {
    await dropRunDatabases(testServerUrl(), runId);
  };
}
