/** Cross-site request forgery check of the upload routes: cookie-authenticated requests need this origin and a preflight-forcing header. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../server/auth/cookie.ts';
import { startUploadServer, type UploadServer } from './upload-server.ts';

let server: UploadServer;
const CSV = 'x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n7,0\n8,1\n9,0\n10,1\n';

beforeAll(async () => {
  server = await startUploadServer();
});

afterAll(async () => {
  await server?.close();
});

async function post(path: string, headers: Record<string, string>, body = CSV) {
  const query = new URLSearchParams({ studyId: server.studyId, name: 'csrf', format: 'csv', task: 'classification', target: 'y' });
  const response = await fetch(`${server.url}/api/datasets/${path}?${query}`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as { dataset?: { id: string }; error?: { code: string; message: string } } };
}

function cookie(): string {
  return `${SESSION_COOKIE}=${server.tokens.owner}`;
}

async function countDatasets(): Promise<number> {
  return server.database.prisma.dataset.count({ where: { studyId: server.studyId } });
}

describe('upload CSRF check', () => {
  it.each([
    ['text/plain from a foreign origin', { 'content-type': 'text/plain', origin: 'http://evil.example' }],
    ['form-urlencoded from a foreign origin', { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' }],
    ['foreign origin with the preflight header', { 'content-type': 'text/csv', 'robustlab-require-preflight': '1', origin: 'http://evil.example' }],
    ['foreign referer without origin', { 'content-type': 'text/csv', 'robustlab-require-preflight': '1', referer: 'http://evil.example/page' }],
    ['opaque origin', { 'content-type': 'text/csv', origin: 'null' }],
    ['text/plain without origin', { 'content-type': 'text/plain' }],
    ['no content type and no header', {}],
  ])('rejects cookie upload: %s', async (_, headers) => {
    const before = await countDatasets();

    const result = await post('upload', { cookie: cookie(), ...headers });

    expect(result.status).toBe(403);
    expect(result.body.error?.code).toBe('FORBIDDEN');
    expect(result.body.error?.message).toMatch(/cross-site request/i);
    expect(await countDatasets()).toBe(before);
  });

  it('rejects cookie preview from a foreign origin', async () => {
    const result = await post('preview', { cookie: cookie(), 'content-type': 'text/plain', origin: 'http://evil.example' });

    expect(result.status).toBe(403);
    expect(result.body.error?.message).toContain('"http://evil.example"');
  });

  it('accepts cookie upload from the dashboard', async () => {
    const host = new URL(server.url).host;

    const result = await post('upload', { cookie: cookie(), origin: `http://${host}`, 'robustlab-require-preflight': '1' });

    expect(result.status).toBe(201);
    expect(result.body.dataset?.id).toBeTruthy();
  });

  it('accepts cookie upload with non-simple content type', async () => {
    const result = await post('upload', { cookie: cookie(), 'content-type': 'text/csv' }, `${CSV}11,0\n`);

    expect(result.status).toBe(201);
  });

  it('accepts bearer upload from any origin', async () => {
    const result = await post('upload', { authorization: `Bearer ${server.tokens.owner}`, 'content-type': 'text/plain', origin: 'http://evil.example' }, `${CSV}12,1\n`);

    expect(result.status).toBe(201);
  });
});
