/**
 * HTTP endpoints of dataset uploads, next to /graphql because GraphQL has no
 * streamed request bodies:
 *
 *   POST /api/datasets/preview?format=csv  body: the first bytes of a CSV file
 *     → 200 { delimiter, hasHeader, columns, rows }
 *   POST /api/datasets/upload?studyId=…&name=…&format=…&task=…[&…]  body: the file(s)
 *     → 201 { dataset: { id }, existing: false } or 200 { …, existing: true }
 *     → 4xx { error: { code, message } }
 *
 * Both authenticate like /graphql: session cookie, bearer session token or
 * `rlt_` API token. A request with the session cookie must come from this
 * server's origin and send a preflight-forcing header (../auth/csrf.ts). An upload needs owner or editor in the study and, with an
 * API token, the READ_WRITE scope. Parameters: parameters.ts.
 */
import type http from 'node:http';
import type { Logger } from 'pino';
import { findCsrfProblem } from '../auth/csrf.ts';
import { authenticateRequest, INVALID_API_TOKEN_MESSAGE } from '../auth/request-auth.ts';
import { findRole } from '../data/access.ts';
import type { Db } from '../db.ts';
import { sniffCsv } from './csv-sniff.ts';
import { UploadError } from './errors.ts';
import { ingestUpload } from './ingest.ts';
import type { UploadLimits } from './limits.ts';
import { parseUploadParameters } from './parameters.ts';
import { createUploadPool } from './sql.ts';

/** Path prefix of the upload endpoints. */
export const UPLOAD_PATH_PREFIX = '/api/datasets/';

const PREVIEW_MAX_BYTES = 256 * 1024;

/** Handles the upload endpoints. */
export interface UploadHandler {
  handleRequest(request: http.IncomingMessage, response: http.ServerResponse): Promise<void>;
  /** Closes the connections of uploads. */
  close(): Promise<void>;
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, request: http.IncomingMessage): void {
  const complete = request.readableEnded;
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    // A rejected upload may not have read the whole body; the connection cannot be reused then.
    ...(complete ? {} : { connection: 'close' }),
  });
  response.end(JSON.stringify(body));
  if (!complete) request.resume();
}

async function readSmallBody(request: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new UploadError('FILE_TOO_LARGE', `Preview body is larger than ${maxBytes} bytes; send only the first bytes of the file.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Creates the handler of the upload endpoints. */
export function createUploadHandler({
  db,
  logger,
  databaseUrl,
  limits,
  chunkBytes,
}: {
  db: Db;
  logger: Logger;
  /** Connection string of the database; uploads then stream their bytes through node-postgres rather than Prisma (see sql.ts). */
  databaseUrl?: string;
  /** Limits of one upload; `npm start` takes them from the ROBUSTLAB_UPLOAD_* settings (server/env.ts). */
  limits: UploadLimits;
  /** Bytes of one stored chunk and one staged batch; tests set it small to get many chunks from small files. */
  chunkBytes?: number;
}): UploadHandler {
  const pool = databaseUrl === undefined ? undefined : createUploadPool(databaseUrl);
  pool?.on('error', (error) => logger.warn({ err: error }, 'idle upload connection failed; the pool replaces it'));

  async function authenticate(request: http.IncomingMessage) {
    const auth = await authenticateRequest(db, request.headers);
    if (auth.invalidApiToken) throw new UploadError('UNAUTHENTICATED', INVALID_API_TOKEN_MESSAGE);
    if (auth.user === null) throw new UploadError('UNAUTHENTICATED', 'Not signed in: sign in first, or send an API token in an Authorization: Bearer header.');
    return { user: auth.user, tokenScope: auth.tokenScope };
  }

  async function upload(request: http.IncomingMessage, response: http.ServerResponse, query: URLSearchParams) {
    const { user, tokenScope } = await authenticate(request);
    if (tokenScope === 'read') throw new UploadError('FORBIDDEN', 'Uploading a dataset needs an API token with scope READ_WRITE; this token has scope READ.');
    const lengthHeader = request.headers['content-length'];
    const contentLength = lengthHeader === undefined ? null : Number(lengthHeader);
    // Checked before the parameters, so an empty file is reported as such and not as a missing target column.
    if (contentLength === 0) throw new UploadError('EMPTY_FILE', 'Invalid file: it is empty; choose a file with data.');
    const parameters = parseUploadParameters(query);
    const role = await findRole({ db, studyId: parameters.studyId, userId: user.id });
    if (role === null) throw new UploadError('NOT_FOUND', `Study ${parameters.studyId} not found.`);
    if (role === 'viewer') throw new UploadError('FORBIDDEN', `Your role in study ${parameters.studyId} is viewer; uploading datasets needs owner or editor.`);

    const started = performance.now();
    const stored = await ingestUpload({ db, userId: user.id, body: request as AsyncIterable<Buffer>, contentLength, parameters, limits, chunkBytes, pool });
    logger.info(
      { datasetId: stored.id, studyId: parameters.studyId, existing: stored.existing, format: parameters.format, durationMs: Math.round(performance.now() - started) },
      'dataset upload finished',
    );
    sendJson(response, stored.existing ? 200 : 201, { dataset: { id: stored.id }, existing: stored.existing }, request);
  }

  async function preview(request: http.IncomingMessage, response: http.ServerResponse) {
    await authenticate(request);
    const sample = await readSmallBody(request, PREVIEW_MAX_BYTES);
    if (sample.length === 0) throw new UploadError('EMPTY_FILE', 'Invalid file: it is empty; expected a header line and data rows.');
    const result = sniffCsv(sample.toString('utf8'));
    sendJson(response, 200, { ...result, delimiter: ({ ',': 'comma', ';': 'semicolon', '\t': 'tab' } as const)[result.delimiter] }, request);
  }

  return {
    close: async () => {
      await pool?.end();
    },
    async handleRequest(request, response) {
      const url = new URL(request.url ?? '/', 'http://localhost');
      try {
        if (request.method !== 'POST') throw new UploadError('INVALID_PARAMETER', `Method ${request.method} is not allowed on ${url.pathname}; use POST.`);
        const csrfProblem = findCsrfProblem(request);
        if (csrfProblem !== null) throw new UploadError('FORBIDDEN', csrfProblem);
        if (url.pathname === `${UPLOAD_PATH_PREFIX}upload`) await upload(request, response, url.searchParams);
        else if (url.pathname === `${UPLOAD_PATH_PREFIX}preview`) await preview(request, response);
        else throw new UploadError('NOT_FOUND', `No endpoint at ${url.pathname}; expected ${UPLOAD_PATH_PREFIX}upload or ${UPLOAD_PATH_PREFIX}preview.`);
      } catch (error) {
        if (error instanceof UploadError) {
          sendJson(response, error.status, { error: { code: error.code, message: error.message } }, request);
          return;
        }
        // A request that ended normally is destroyed as well, so only an unfinished body means the client went away.
        if (request.readableAborted || (error as NodeJS.ErrnoException).code === 'ECONNRESET') {
          logger.info({ url: url.pathname }, 'dataset upload cancelled by the client; nothing stored');
          return;
        }
        throw error;
      }
    },
  };
}
