/**
 * The upload endpoint alone on a fresh database, for bench/upload.ts: prints
 * one JSON line { url, token, studyId } when ready and serves until killed.
 * GET /bench/memory returns the peak V8 heap and external (Buffer) memory
 * sampled every 20 ms, and both after a full garbage collection when the
 * process runs with --expose-gc.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createSession } from '../server/auth/session.ts';
import { createUser } from '../server/auth/users.ts';
import { parseUploadLimits } from '../server/uploads/limits.ts';
import { createUploadHandler } from '../server/uploads/route.ts';
import { createTestDatabase } from '../test/helpers/database.ts';

const database = await createTestDatabase();
const db = database.prisma;
const study = await db.study.create({ data: { name: 'upload bench' } });
const user = await createUser({ db, email: 'bench@robustlab.test', name: 'bench', password: 'bench-password-2026' });
await db.membership.create({ data: { studyId: study.id, userId: user.id, role: 'owner' } });
const { token } = await createSession({ db, userId: user.id });

const handler = createUploadHandler({ db, logger: pino({ level: 'warn' }), databaseUrl: database.url, limits: parseUploadLimits() });
const peaks = { heapUsedMb: 0, externalMb: 0 };
const megabytes = (bytes: number) => Math.round(bytes / 1e6);
setInterval(() => {
  const usage = process.memoryUsage();
  peaks.heapUsedMb = Math.max(peaks.heapUsedMb, megabytes(usage.heapUsed));
  peaks.externalMb = Math.max(peaks.externalMb, megabytes(usage.external));
}, 20).unref();

function memoryReport(): string {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return JSON.stringify({ ...peaks, heapUsedAfterGcMb: megabytes(usage.heapUsed), externalAfterGcMb: megabytes(usage.external) });
}

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/bench/memory') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(memoryReport());
    return;
  }
  handler.handleRequest(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, token, studyId: study.id })}\n`);

process.once('SIGTERM', () => {
  server.close();
  void handler.close().then(() => database.drop()).then(() => process.exit(0));
});
