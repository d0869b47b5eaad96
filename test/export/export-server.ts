import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Db } from '../../server/db.ts';
import { createExportHandler } from '../../server/export/http.ts';

/** Starts an HTTP server at 127.0.0.1 on a random port that serves only the export routes. */
export async function startExportServer(db: Db): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const handle = createExportHandler({ db, logger: pino({ level: 'silent' }) });
  const server = http.createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Calls `onLine` for every line of a streamed response body without keeping the body in memory. */
export async function scanLines(response: Response, onLine: (line: string, index: number) => void): Promise<number> {
  const decoder = new TextDecoder();
  let pending = '';
  let index = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      onLine(pending.slice(start, newline), index++);
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.length > 0) onLine(pending, index++);
  return index;
}
