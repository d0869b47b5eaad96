/**
 * SQL access of the upload transaction. Uploads move hundreds of megabytes
 * of bytea through one transaction, so they use a plain node-postgres
 * connection when the server gives them one: node-postgres sends Buffer
 * parameters in binary form and parses bytea results from hex. The Prisma
 * client serializes each query with its parameters to JSON, which costs
 * several copies of a large bytea value. In one measurement on the build
 * machine, 25 inserts and reads of 8 MB raised peak RSS by about 780 MB
 * through Prisma and by 300 MB through node-postgres. The Prisma
 * implementation serves small in-memory datasets.
 */
import pg from 'pg';
import type { Db } from '../db.ts';

/** Runs parameterized SQL ($1, $2, …) in one transaction. */
export interface UploadSql {
  query<Row>(text: string, values?: unknown[]): Promise<Row[]>;
}

/** Runs `work` in a transaction on a connection of `pool`. A failure rolls back and discards the connection. */
export async function inPgTransaction<T>(pool: pg.Pool, work: (sql: UploadSql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const sql: UploadSql = {
    async query<Row>(text: string, values: unknown[] = []) {
      const result = await client.query(text, values);
      return result.rows as Row[];
    },
  };
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(sql);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failure = error as Error;
    // The connection may be broken already, and then the rollback error is secondary to `error`.
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    // A connection that saw a failure is closed rather than reused, so no aborted state leaks into the pool.
    client.release(failure);
  }
}

/** Runs `work` in a Prisma interactive transaction. */
export function inPrismaTransaction<T>(db: Db, work: (sql: UploadSql) => Promise<T>, options: { timeout: number; maxWait: number }): Promise<T> {
  return db.$transaction(
    (tx) =>
      work({
        query: <Row>(text: string, values: unknown[] = []) => tx.$queryRawUnsafe<Row[]>(text, ...values),
      }),
    options,
  );
}

/** Creates the connection pool of uploads. */
export function createUploadPool(connectionString: string): pg.Pool {
  return new pg.Pool({ connectionString, max: 4 });
}
