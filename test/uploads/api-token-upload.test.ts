import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApiToken, revokeApiToken } from '../../server/auth/api-tokens.ts';
import { snapshotDatasets, startUploadServer, upload, type UploadServer } from './upload-server.ts';

let server: UploadServer;
let ownerId: string;

beforeAll(async () => {
  server = await startUploadServer();
  const owner = await server.database.prisma.user.findUniqueOrThrow({ where: { email: 'owner@uploads.test' } });
  ownerId = owner.id;
});

afterAll(async () => {
  await server?.close();
});

/** 12 rows of two numeric features and a two-class target, a different dataset for each `offset`. */
function smallCsv(offset: number): string {
  const lines = ['x,y,label'];
  for (let i = 0; i < 12; i++) lines.push(`${i + offset},${(i * 7) % 5},${i % 2 === 0 ? 'even' : 'odd'}`);
  return `${lines.join('\n')}\n`;
}

const QUERY = { format: 'csv', task: 'classification', target: 'label', testFraction: 0.25, seed: 1 };

async function tokenOfOwner(scope: 'read' | 'read_write'): Promise<{ id: string; secret: string }> {
  const { token, secret } = await createApiToken({ db: server.database.prisma, userId: ownerId, name: `upload ${scope}`, scope });
  return { id: token.id, secret };
}

describe('upload with an API token', () => {
  test('READ_WRITE token stores the dataset', async () => {
    const { secret } = await tokenOfOwner('read_write');
    const response = await upload(server, smallCsv(0), QUERY, secret);

    expect(response.status).toBe(201);
    const row = await server.database.prisma.dataset.findUniqueOrThrow({ where: { id: response.body.dataset!.id } });
    expect(row.studyId).toBe(server.studyId);
    expect(row.createdById).toBe(ownerId);
  });

  test('READ token is rejected and stores nothing', async () => {
    const { secret } = await tokenOfOwner('read');
    const before = await snapshotDatasets(server);
    const response = await upload(server, smallCsv(100), QUERY, secret);

    expect(response.status).toBe(403);
    expect(response.body.error!.code).toBe('FORBIDDEN');
    expect(response.body.error!.message).toContain('READ_WRITE');
    expect(await snapshotDatasets(server)).toBe(before);
  });

  test('revoked token is rejected as invalid', async () => {
    const { id, secret } = await tokenOfOwner('read_write');
    await revokeApiToken({ db: server.database.prisma, userId: ownerId, tokenId: id });
    const before = await snapshotDatasets(server);
    const response = await upload(server, smallCsv(200), QUERY, secret);

    expect(response.status).toBe(401);
    expect(response.body.error!.code).toBe('UNAUTHENTICATED');
    expect(response.body.error!.message).toMatch(/^Invalid API token: it is unknown or revoked/);
    expect(await snapshotDatasets(server)).toBe(before);
  });

  test('unknown token is rejected as invalid', async () => {
    const response = await upload(server, smallCsv(300), QUERY, 'rlt_doesnotexist');

    expect(response.status).toBe(401);
    expect(response.body.error!.code).toBe('UNAUTHENTICATED');
    expect(response.body.error!.message).toMatch(/^Invalid API token: it is unknown or revoked/);
  });

  test('missing credentials say how to sign in', async () => {
    const response = await upload(server, smallCsv(400), QUERY, '');

    expect(response.status).toBe(401);
    expect(response.body.error!.code).toBe('UNAUTHENTICATED');
    expect(response.body.error!.message).toMatch(/^Not signed in/);
  });
});
