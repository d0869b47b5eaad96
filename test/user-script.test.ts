import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyPassword } from '../server/auth/password.ts';
import { createSession } from '../server/auth/session.ts';
import { createPrisma } from '../server/db.ts';
import { startEmbeddedPostgres } from '../server/embedded-db.ts';
import { findRunningPostmaster } from '../server/postmaster.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

function runUserScript(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv = { ...process.env, ...env };
  if (env.DATABASE_URL === undefined) delete childEnv.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/user.ts', ...args], { cwd: ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function printedPassword(stdout: string): string {
  const match = /(?:Password|New password for \S+): (\S+)/.exec(stdout);
  if (!match) throw new Error(`No password in the output: ${stdout}`);
  return match[1];
}

describe('npm run user', () => {
  test('create prints a working password', async () => {
    const result = await runUserScript(['create', 'Ada@Example.com', '--name', 'Ada', '--admin'], { DATABASE_URL: database.url });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Created user ada@example.com (administrator).');

    const user = await database.prisma.user.findUniqueOrThrow({ where: { email: 'ada@example.com' } });
    expect(user.name).toBe('Ada');
    expect(user.isAdmin).toBe(true);
    expect(await verifyPassword(printedPassword(result.stdout), user.passwordHash)).toBe(true);
  });

  test('reset-password replaces the password and ends sessions', async () => {
    const before = await database.prisma.user.findUniqueOrThrow({ where: { email: 'ada@example.com' } });
    await createSession({ db: database.prisma, userId: before.id });

    const result = await runUserScript(['reset-password', 'ada@example.com'], { DATABASE_URL: database.url });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('1 signed-in sessions were ended');

    const after = await database.prisma.user.findUniqueOrThrow({ where: { email: 'ada@example.com' } });
    expect(after.passwordHash).not.toBe(before.passwordHash);
    expect(await verifyPassword(printedPassword(result.stdout), after.passwordHash)).toBe(true);
    expect(await database.prisma.session.count({ where: { userId: after.id } })).toBe(0);
  });

  const misuse: [string, string[], string][] = [
    ['unknown command', ['delete', 'a@example.com'], 'Unknown command "delete"'],
    ['missing email', ['create'], 'Missing <email> after create'],
    ['existing user', ['create', 'ada@example.com'], 'User ada@example.com already exists'],
    ['unknown user', ['reset-password', 'nobody@example.com'], 'No user with email nobody@example.com'],
  ];
  for (const [name, args, message] of misuse) {
    test(`rejects ${name}`, async () => {
      const result = await runUserScript(args, { DATABASE_URL: database.url });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('npm run user -- create <email>');
    });
  }

  test('starts and stops a stopped embedded Postgres', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'robustlab-user-script-'));
    // When running as root, Postgres runs as the `postgres` user, which must reach the folder.
    await chmod(dataDir, 0o755);
    try {
      const embedded = await startEmbeddedPostgres({ dataDir, logger: pino({ level: 'silent' }) });
      const url = embedded.url;
      await embedded.stop();

      const env = { DATABASE_URL: undefined, ROBUSTLAB_DATA_DIR: dataDir };
      const result = await runUserScript(['create', 'demo@robustlab.local'], env);
      expect(result.code, result.stderr).toBe(0);
      expect(await findRunningPostmaster(path.join(dataDir, 'postgres'))).toBeNull();

      const restarted = await startEmbeddedPostgres({ dataDir, logger: pino({ level: 'silent' }) });
      const db = createPrisma(restarted.url, { max: 1 });
      try {
        expect(restarted.url).toBe(url);
        const user = await db.user.findUniqueOrThrow({ where: { email: 'demo@robustlab.local' } });
        expect(await verifyPassword(printedPassword(result.stdout), user.passwordHash)).toBe(true);
      } finally {
        await db.$disconnect();
        await restarted.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
