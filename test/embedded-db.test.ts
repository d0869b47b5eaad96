import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PREFERRED_PORT, startEmbeddedPostgres, startOnFreePort } from '../server/embedded-db.ts';

const logger = pino({ level: 'silent' });
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'robustlab-embedded-'));
  // When the tests run as root, Postgres runs as the `postgres` user and must reach the folder.
  await chmod(dataDir, 0o755);
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function queryOne(url: string, sql: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

/** Holds a port on 127.0.0.1 until the returned function is called. */
async function occupyPort(port: number): Promise<() => Promise<void>> {
  const blocker = net.createServer();
  await new Promise<void>((resolve, reject) => {
    blocker.once('error', reject);
    blocker.listen(port, '127.0.0.1', resolve);
  });
  return () => new Promise((resolve) => blocker.close(() => resolve()));
}

describe('startEmbeddedPostgres', () => {
  test('initialises, keeps data across restarts and reuses its port', async () => {
    // The preferred port is blocked so the test also covers the fallback port being remembered.
    const release = await occupyPort(PREFERRED_PORT).catch(() => async () => {});
    let first;
    try {
      first = await startEmbeddedPostgres({ dataDir, logger });
    } finally {
      await release();
    }
    expect(first.port).not.toBe(PREFERRED_PORT);
    expect(first.url).toMatch(/^postgresql:\/\/postgres:.+@127\.0\.0\.1:\d+\/robustlab$/);
    await queryOne(first.url, 'CREATE TABLE kept (value text)');
    await queryOne(first.url, "INSERT INTO kept VALUES ('still here')");
    await first.stop();

    await expect(queryOne(first.url, 'SELECT 1')).rejects.toThrow();

    const second = await startEmbeddedPostgres({ dataDir, logger });
    try {
      expect(second.port).toBe(first.port);
      expect(second.url).toBe(first.url);
      const row = await queryOne(second.url, 'SELECT value FROM kept');
      expect(row.value).toBe('still here');
    } finally {
      await second.stop();
    }

    const state = JSON.parse(await readFile(path.join(dataDir, 'postgres.json'), 'utf8'));
    expect(state.port).toBe(first.port);
  });

  test('rejects a non-empty folder without a cluster', async () => {
    const strayDir = await mkdtemp(path.join(os.tmpdir(), 'robustlab-stray-'));
    try {
      await chmod(strayDir, 0o755);
      await mkdir(path.join(strayDir, 'postgres'));
      await writeFile(path.join(strayDir, 'postgres', 'notes.txt'), 'not a cluster');

      await expect(startEmbeddedPostgres({ dataDir: strayDir, logger })).rejects.toThrow(/PG_VERSION is missing/);
    } finally {
      await rm(strayDir, { recursive: true, force: true });
    }
  });
});

describe('startOnFreePort', () => {
  const logger = { warn: () => {} };
  const taken = (port: number) => new Error(`postgres exited during start-up. Its output:\nLOG:  could not bind IPv4 address "127.0.0.1": Address already in use (port ${port})`);

  test('retries a port taken during start-up', async () => {
    const tried: number[] = [];
    const result = await startOnFreePort(
      54329,
      async (port) => {
        tried.push(port);
        if (tried.length === 1) throw taken(port);
        return `started on ${port}`;
      },
      logger,
    );
    expect(tried).toHaveLength(2);
    expect(tried[0]).toBe(54329);
    expect(tried[1]).not.toBe(54329);
    expect(result).toBe(`started on ${tried[1]}`);
  });

  test('rethrows other start-up errors at once', async () => {
    let attempts = 0;
    const failing = startOnFreePort(
      54329,
      async () => {
        attempts++;
        throw new Error('FATAL: data directory has wrong ownership');
      },
      logger,
    );
    await expect(failing).rejects.toThrow('data directory has wrong ownership');
    expect(attempts).toBe(1);
  });

  test('gives up after three taken ports', async () => {
    let attempts = 0;
    const failing = startOnFreePort(
      54329,
      async (port) => {
        attempts++;
        throw taken(port);
      },
      logger,
    );
    await expect(failing).rejects.toThrow('Address already in use');
    expect(attempts).toBe(3);
  });
});
