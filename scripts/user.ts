/**
 * Manages users from the command line:
 *
 *   npm run user -- create <email> [--name NAME] [--admin]
 *   npm run user -- reset-password <email>
 *
 * Both print a generated password once. The database is DATABASE_URL, else
 * the embedded Postgres of ROBUSTLAB_DATA_DIR (default .data): a running one
 * is used as it is, a stopped one is started for the change and stopped again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { hashPassword } from '../server/auth/password.ts';
import { createUser } from '../server/auth/users.ts';
import { createPrisma, type Db } from '../server/db.ts';
import { findRunningEmbeddedPostgres, resolveDataDir, startEmbeddedPostgres } from '../server/embedded-db.ts';
import { parseEnv } from '../server/env.ts';
import { runMigrations } from '../server/migrate.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const USAGE = `Usage:
  npm run user -- create <email> [--name NAME] [--admin]   create a user with a generated password
  npm run user -- reset-password <email>                    set a new generated password and end the user's sessions`;

type Command = { kind: 'create'; email: string; name: string | undefined; admin: boolean } | { kind: 'reset-password'; email: string };

class UsageError extends Error {}

/** Parses the command line; bad arguments raise UsageError naming the argument. */
function parseCommand(args: string[]): Command {
  const [kind, email, ...rest] = args;
  if (kind !== 'create' && kind !== 'reset-password') {
    throw new UsageError(kind === undefined ? 'Missing command.' : `Unknown command "${kind}": expected create or reset-password.`);
  }
  if (email === undefined || email.startsWith('--')) throw new UsageError(`Missing <email> after ${kind}.`);
  if (kind === 'reset-password') {
    if (rest.length > 0) throw new UsageError(`Unknown argument "${rest[0]}": reset-password takes only <email>.`);
    return { kind, email };
  }

  let name: string | undefined;
  let admin = false;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--admin') admin = true;
    else if (rest[i] === '--name' && rest[i + 1] !== undefined) name = rest[++i];
    else throw new UsageError(`Unknown argument "${rest[i]}": create takes --name NAME and --admin.`);
  }
  return { kind, email, name, admin };
}

function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

async function run(db: Db, command: Command): Promise<string[]> {
  const email = command.email.trim().toLowerCase();
  const password = generatePassword();

  if (command.kind === 'create') {
    if ((await db.user.findUnique({ where: { email } })) !== null) {
      throw new UsageError(`User ${email} already exists; use reset-password to give it a new password.`);
    }
    const user = await createUser({ db, email, name: command.name ?? email.split('@')[0], password, isAdmin: command.admin });
    return [`Created user ${user.email}${user.isAdmin ? ' (administrator)' : ''}.`, `Password: ${password}`, '  (shown only now; it is stored only as a hash)'];
  }

  const user = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (user === null) throw new UsageError(`No user with email ${email}; use create to add one.`);
  const passwordHash = await hashPassword(password);
  const [, sessions] = await db.$transaction([
    db.user.update({ where: { id: user.id }, data: { passwordHash } }),
    db.session.deleteMany({ where: { userId: user.id } }),
  ]);
  return [`New password for ${email}: ${password}`, `  (shown only now; ${sessions.count} signed-in sessions were ended)`];
}

async function main(): Promise<number> {
  const command = parseCommand(process.argv.slice(2));
  const env = parseEnv();
  const logger = pino({ level: 'warn' }, pino.destination(2));

  let url = env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (url === undefined) {
    const dataDir = resolveDataDir(PROJECT_ROOT, env.ROBUSTLAB_DATA_DIR);
    if (!existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))) {
      throw new UsageError(`No database: DATABASE_URL is not set and ${dataDir} has no embedded Postgres. Run npm start once, or set DATABASE_URL.`);
    }
    url = (await findRunningEmbeddedPostgres(dataDir)) ?? undefined;
    if (url === undefined) {
      const embedded = await startEmbeddedPostgres({ dataDir, logger });
      url = embedded.url;
      stopEmbedded = () => embedded.stop();
    }
  }

  const db = createPrisma(url, { max: 2 });
  try {
    await runMigrations({ connectionString: url, logger });
    for (const line of await run(db, command)) process.stdout.write(`${line}\n`);
    return 0;
  } finally {
    await db.$disconnect();
    await stopEmbedded?.();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    else process.stderr.write(`Managing the user failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
