/** A real upload endpoint on a fresh test database, with a signed-in owner, editor and viewer. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createSession } from '../../server/auth/session.ts';
import { createUser } from '../../server/auth/users.ts';
import { ensureBuiltinDatasets } from '../../server/datasets.ts';
import type { UploadLimits } from '../../server/uploads/limits.ts';
import { createUploadHandler } from '../../server/uploads/route.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

/** Small limits, so the limit cases stay small files. */
export const TEST_LIMITS: UploadLimits = {
  maxBytes: 2 * 1024 * 1024,
  maxRows: 5000,
  maxColumns: 50,
  maxLineChars: 64 * 1024,
  maxFeatures: 500,
  maxCategories: 20,
};

export interface UploadServer {
  database: TestDatabase;
  url: string;
  studyId: string;
  tokens: { owner: string; viewer: string; outsider: string };
  close(): Promise<void>;
}

/** Response of one upload request. */
export interface UploadResponse {
  status: number;
  body: { dataset?: { id: string }; existing?: boolean; error?: { code: string; message: string } };
}

/** Starts the server; `limits` replaces TEST_LIMITS, and a small `chunkBytes` makes small files span many chunks. */
export async function startUploadServer(limits: UploadLimits = TEST_LIMITS, options: { chunkBytes?: number } = {}): Promise<UploadServer> {
  const database = await createTestDatabase();
  const db = database.prisma;
  await ensureBuiltinDatasets(db);
  const study = await db.study.create({ data: { name: 'uploads' } });
  const tokens = { owner: '', viewer: '', outsider: '' };
  for (const role of ['owner', 'viewer', 'outsider'] as const) {
    const user = await createUser({ db, email: `${role}@uploads.test`, name: role, password: 'correct horse battery' });
    if (role !== 'outsider') await db.membership.create({ data: { studyId: study.id, userId: user.id, role } });
    tokens[role] = (await createSession({ db, userId: user.id })).token;
  }
  const handler = createUploadHandler({ db, logger: pino({ level: 'silent' }), databaseUrl: database.url, limits, chunkBytes: options.chunkBytes });
  const server = http.createServer((request, response) => {
    handler.handleRequest(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    database,
    url: `http://127.0.0.1:${port}`,
    studyId: study.id,
    tokens,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.close();
      await database.drop();
    },
  };
}

/** Posts `body` to /api/datasets/upload with the query parameters. */
export async function upload(server: UploadServer, body: Uint8Array | string, query: Record<string, string | number | boolean>, token = server.tokens.owner): Promise<UploadResponse> {
  const parameters = new URLSearchParams({ studyId: server.studyId, name: 'test upload', ...Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)])) });
  const response = await fetch(`${server.url}/api/datasets/upload?${parameters}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
  return { status: response.status, body: (await response.json()) as UploadResponse['body'] };
}

/** Rows of the dataset tables, to compare before and after a rejected upload. */
export async function snapshotDatasets(server: UploadServer): Promise<string> {
  const db = server.database.prisma;
  const datasets = await db.dataset.findMany({ select: { id: true, checksum: true }, orderBy: { id: 'asc' } });
  const chunks = await db.datasetChunk.findMany({ select: { datasetId: true, part: true, chunkIndex: true }, orderBy: [{ datasetId: 'asc' }, { part: 'asc' }, { chunkIndex: 'asc' }] });
  return JSON.stringify({ datasets, chunks });
}
