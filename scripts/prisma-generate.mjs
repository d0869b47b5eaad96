// Runs `prisma generate` after `npm install` / `npm ci`. Prisma 7 checks that
// PRISMA_SCHEMA_ENGINE_BINARY points at an existing file even though
// `generate` never runs the schema engine, and the engine cannot be downloaded
// on machines without access to Prisma's binary host, so the Node.js binary
// is used as that file when the variable is unset.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js');

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ||= process.execPath;

const result = spawnSync(process.execPath, [prismaCli, 'generate'], { cwd: root, env, stdio: 'inherit' });
if (result.error) {
  console.error(`prisma generate could not start: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
