import { defineConfig } from 'prisma/config';

// The runtime connects through @prisma/adapter-pg (server/db.ts); this file
// only serves the Prisma CLI (`prisma generate`, and `prisma migrate deploy`
// on machines that can run Prisma's schema engine).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/robustlab' },
});
