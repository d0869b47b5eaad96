/**
 * The upload endpoint alone on a fresh database, for bench/upload.ts: prints
 * one JSON line { url, token, studyId } when ready and serves until killed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createSession } from '../server/auth/session.ts';
import { createUser } from '../server/auth/users.ts';
import { createUploadHandler } from '../server/uploads/route.ts';
import { createTestDatabase } from '../test/helpers/database.ts';

const database = await createTestDatabase();
const db = database.prisma;
const study = await db.study.create({ data: { name: 'upload bench' } });
const user = await createUser({ db, email: 'bench@robustlab.test', name: 'bench', password: 'bench-password-2026' });
await db.membership.create({ data: { studyId: study.id, userId: user.id, role: 'owner' } });
const { token } = await createSession({ db, userId: user.id });

const handler = createUploadHandler({ db, logger: pino({ level: 'warn' }) });
const server = http.createServer((request, response) => {
  handler.handleRequest(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, token, studyId: study.id })}\n`);

process.once('SIGTERM', () => {
  server.close();
  void database.drop().then(() => process.exit(0));
});
