/**
 * Plain SQL for the hot read paths of the API. A query through node-postgres
 * costs the server less CPU than the same query through Prisma 7, whose
 * query compiler and result mapping run on every call.
 */
import pg from 'pg';
import type { DbOrTx } from '../db.ts';

/** Database handle of the plain-SQL reads. Callers without a node-postgres pool pass their Prisma client. */
export type SqlReader = pg.Pool | DbOrTx;

/**
 * Maximum connections of the API's node-postgres pool. Each web process has
 * this pool next to the Prisma client's pool of 10, and Postgres accepts 100
 * connections by default, so the pool is kept small.
 */
export const SQL_POOL_MAX = 5;

/** Creates the node-postgres pool that the API's plain-SQL reads share. */
export function createSqlPool(connectionString: string): pg.Pool {
  return new pg.Pool({ connectionString, max: SQL_POOL_MAX });
}

/**
 * Runs one parameterized statement (`$1`, `$2`, …) and returns its rows.
 * Through a pool, the statement is prepared once per connection under
 * `name`, so Postgres parses and plans it once. `name` must identify `text`.
 */
export async function queryRows<T>(db: SqlReader, name: string, text: string, values: unknown[]): Promise<T[]> {
  if (db instanceof pg.Pool) {
    const result = await db.query({ name, text, values });
    return result.rows as T[];
  }
  return db.$queryRawUnsafe<T[]>(text, ...values);
}
