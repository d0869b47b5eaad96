/**
 * HTTP routes of the exports, authenticated like /graphql (session cookie or
 * `Authorization: Bearer` with a session or API token of either scope):
 *
 *   GET /api/export/experiments/:id/instances.csv | .json
 *   GET /api/export/experiments/:id/predictions.csv | .json
 *   GET /api/export/instances/:id/weights      (model.json, TensorFlow.js layers model)
 *   GET /api/export/instances/:id/weights.bin  (its binary weights)
 *
 * Errors are JSON in the GraphQL error shape with `extensions.code`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { authenticateRequest, INVALID_API_TOKEN_MESSAGE } from '../auth/request-auth.ts';
import { findExperimentForMember, findInstanceForMember, isUuid } from '../data/access.ts';
import type { Db } from '../db.ts';
import { writeInstancesCsv, writeInstancesJson } from './instances.ts';
import { writePredictionsCsv, writePredictionsJson } from './predictions.ts';
import { ClientGoneError, RowWriter } from './stream-writer.ts';
import { loadModelJson, loadWeightData } from './weights.ts';

/** Path prefix of every export route. */
export const EXPORT_PATH_PREFIX = '/api/export/';

const EXPERIMENT_ROUTE = /^\/api\/export\/experiments\/([^/]+)\/(instances|predictions)\.(csv|json)$/;
const WEIGHTS_ROUTE = /^\/api\/export\/instances\/([^/]+)\/(weights|weights\.bin)$/;

type Writers = Record<'instances' | 'predictions', Record<'csv' | 'json', (db: Db, experimentId: string, writer: RowWriter) => Promise<void>>>;
const WRITERS: Writers = {
  instances: { csv: writeInstancesCsv, json: writeInstancesJson },
  predictions: { csv: writePredictionsCsv, json: writePredictionsJson },
};

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function sendError(response: ServerResponse, error: HttpError, requestId: string): void {
  response.writeHead(error.status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId });
  response.end(JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] }));
}

function requireId(id: string): string {
  if (!isUuid(id)) throw new HttpError(400, 'BAD_USER_INPUT', `Invalid id ${JSON.stringify(id)}: expected a UUID.`);
  return id;
}

/** Creates the request handler of the export routes. */
export function createExportHandler({ db, logger }: { db: Db; logger: Logger }) {
  async function route(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new HttpError(405, 'BAD_REQUEST', `Method ${request.method} is not allowed on exports; use GET.`);
    }
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const experimentMatch = EXPERIMENT_ROUTE.exec(path);
    const weightsMatch = WEIGHTS_ROUTE.exec(path);
    if (!experimentMatch && !weightsMatch) throw new HttpError(404, 'NOT_FOUND', `No export at ${path}.`);

    const { user, invalidApiToken } = await authenticateRequest(db, request.headers);
    if (invalidApiToken) throw new HttpError(401, 'UNAUTHENTICATED', INVALID_API_TOKEN_MESSAGE);
    if (!user) throw new HttpError(401, 'UNAUTHENTICATED', 'Not signed in: send a session cookie or an Authorization: Bearer token.');

    if (experimentMatch) {
      const [, rawId, kind, format] = experimentMatch as unknown as [string, string, 'instances' | 'predictions', 'csv' | 'json'];
      const experimentId = requireId(rawId);
      if (!(await findExperimentForMember({ db, experimentId, userId: user.id }))) {
        throw new HttpError(404, 'NOT_FOUND', `Experiment ${experimentId} not found.`);
      }
      response.writeHead(200, {
        'content-type': CONTENT_TYPES[format],
        'content-disposition': `attachment; filename="experiment-${experimentId}-${kind}.${format}"`,
        'cache-control': 'no-store',
        'x-request-id': requestId,
      });
      if (request.method === 'HEAD') return void response.end();
      await WRITERS[kind][format](db, experimentId, new RowWriter(response));
      return;
    }

    const [, rawId, file] = weightsMatch!;
    const instanceId = requireId(rawId);
    if (!(await findInstanceForMember({ db, instanceId, userId: user.id }))) {
      throw new HttpError(404, 'NOT_FOUND', `Instance ${instanceId} not found.`);
    }
    const body = file === 'weights' ? await loadModelJson({ db, instanceId }) : await loadWeightData({ db, instanceId });
    if (!body) throw new HttpError(404, 'NOT_FOUND', `Instance ${instanceId} has no stored weights: only finished instances have them.`);

    const isJson = file === 'weights';
    response.writeHead(200, {
      'content-type': isJson ? 'application/json; charset=utf-8' : 'application/octet-stream',
      'cache-control': 'no-store',
      'x-request-id': requestId,
    });
    if (request.method === 'HEAD') return void response.end();
    response.end(isJson ? JSON.stringify(body) : (body as Uint8Array));
  }

  /** Serves one export request. Server faults are logged with a request id and returned without internals. */
  return async function handleExportRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      await route(request, response, requestId);
    } catch (error) {
      if (error instanceof ClientGoneError) return;
      if (error instanceof HttpError) return sendError(response, error, requestId);

      logger.error({ err: error, requestId, url: request.url }, 'Export failed');
      if (response.headersSent) {
        // A truncated file must not look complete, so the connection is cut.
        response.destroy();
        return;
      }
      sendError(response, new HttpError(500, 'INTERNAL', `Internal server error; quote request id ${requestId} when reporting it.`), requestId);
    }
  };
}
