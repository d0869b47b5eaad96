import { createRequire } from 'node:module';
import type pg from 'pg';

/**
 * Database structure that both schema.prisma and a live database can be
 * reduced to: one line per table, column, index, key and enum, so that a
 * drift shows up as a missing or extra line.
 */
export type SchemaShape = Set<string>;

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  fields: Array<{ name: string }>;
}

interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: Array<{ name: string; dbName: string | null; values: Array<{ name: string; dbName: string | null }> }>;
    indexes: DmmfIndex[];
  };
}

/** Postgres types of Prisma's scalar types when the field has no @db attribute. */
const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Boolean: 'boolean',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** Postgres types of the @db attributes this project uses; extend when the schema uses another. */
const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Uuid: () => 'uuid',
  Text: () => 'text',
  Timestamptz: (args) => `timestamp(${args[0] ?? 6}) with time zone`,
  Timestamp: (args) => `timestamp(${args[0] ?? 6}) without time zone`,
  VarChar: (args) => (args.length ? `character varying(${args[0]})` : 'character varying'),
  Integer: () => 'integer',
  SmallInt: () => 'smallint',
  DoublePrecision: () => 'double precision',
  Real: () => 'real',
  JsonB: () => 'jsonb',
};

/** Line prefix and Prisma's default name suffix of each index type. */
const INDEX_KINDS = {
  id: { kind: 'primary key', suffix: 'pkey' },
  unique: { kind: 'unique index', suffix: 'key' },
  normal: { kind: 'index', suffix: 'idx' },
} as const;

const REFERENTIAL_ACTIONS: Record<string, string> = {
  a: 'NoAction',
  r: 'Restrict',
  c: 'Cascade',
  n: 'SetNull',
  d: 'SetDefault',
};

/** Parses schema.prisma with Prisma's own parser (the prisma-schema-wasm package's get_dmmf). */
export function readDmmf(schemaText: string): Dmmf {
  const require = createRequire(import.meta.url);
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: schemaText }))) as Dmmf;
}

/** Reduces a Prisma datamodel to the structure Prisma Migrate would create in Postgres. */
export function shapeFromPrisma(dmmf: Dmmf): SchemaShape {
  const shape: SchemaShape = new Set();
  const models = new Map(dmmf.datamodel.models.map((model) => [model.name, model]));
  const enumNames = new Map(dmmf.datamodel.enums.map((item) => [item.name, item.dbName ?? item.name]));
  const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
  const columnOf = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((candidate) => candidate.name === fieldName);
    if (!field) throw new Error(`Field ${model.name}.${fieldName} not found in the datamodel`);
    return field.dbName ?? field.name;
  };

  for (const item of dmmf.datamodel.enums) {
    const values = item.values.map((value) => value.dbName ?? value.name);
    shape.add(`enum ${item.dbName ?? item.name} (${values.join(', ')})`);
  }

  for (const model of models.values()) {
    const table = tableOf(model);
    shape.add(`table ${table}`);

    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (!field.relationFromFields?.length) continue;
        const target = models.get(field.type)!;
        const columns = field.relationFromFields.map((name) => columnOf(model, name));
        const targetColumns = (field.relationToFields ?? []).map((name) => columnOf(target, name));
        const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
        const onUpdate = field.relationOnUpdate ?? 'Cascade';
        const name = defaultName(table, columns, 'fkey');
        shape.add(
          `foreign key ${name} ${table}(${columns.join(', ')}) -> ${tableOf(target)}(${targetColumns.join(', ')}) ` +
            `on delete ${onDelete} on update ${onUpdate}`,
        );
        continue;
      }

      const baseType = field.kind === 'enum' ? enumNames.get(field.type)! : columnType(field);
      const type = field.isList ? `${baseType}[]` : baseType;
      // Prisma Migrate creates list columns without NOT NULL.
      const nullable = !field.isRequired || field.isList;
      shape.add(`column ${table}.${field.dbName ?? field.name} ${type} ${nullable ? 'null' : 'not null'}`);
    }
  }

  for (const index of dmmf.datamodel.indexes) {
    const model = models.get(index.model)!;
    const table = tableOf(model);
    const columns = index.fields.map((field) => columnOf(model, field.name));
    if (index.type === 'fulltext') throw new Error(`Fulltext index on ${table} is not supported by this comparison`);
    const { kind, suffix } = INDEX_KINDS[index.type];
    const name = index.dbName ?? (index.type === 'id' ? `${table}_pkey` : defaultName(table, columns, suffix));
    shape.add(`${kind} ${name} ${table}(${columns.join(', ')})`);
  }

  return shape;
}

/** Reads the same structure from the public schema of a live database, leaving out `_prisma_migrations`. */
export async function shapeFromDatabase(client: pg.Client): Promise<SchemaShape> {
  const shape: SchemaShape = new Set();

  const enums = await client.query<{ name: string; labels: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' GROUP BY t.typname`);
  for (const row of enums.rows) shape.add(`enum ${row.name} (${row.labels.join(', ')})`);

  const columns = await client.query<{ table: string; column: string; type: string; not_null: boolean }>(`
    SELECT c.relname AS table, a.attname AS column, a.attnotnull AS not_null,
           CASE WHEN bt.typtype = 'e' THEN bt.typname || CASE WHEN t.typcategory = 'A' THEN '[]' ELSE '' END
                ELSE format_type(a.atttypid, a.atttypmod) END AS type
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_type t ON t.oid = a.atttypid
      JOIN pg_type bt ON bt.oid = CASE WHEN t.typelem <> 0 AND t.typcategory = 'A' THEN t.typelem ELSE t.oid END
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
       AND c.relname <> '_prisma_migrations'`);
  for (const row of columns.rows) {
    shape.add(`table ${row.table}`);
    shape.add(`column ${row.table}.${row.column} ${row.type} ${row.not_null ? 'not null' : 'null'}`);
  }

  const indexes = await client.query<{ name: string; table: string; columns: string[]; primary: boolean; unique: boolean }>(`
    SELECT ic.relname AS name, tc.relname AS table, i.indisprimary AS primary, i.indisunique AS unique,
           array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                  ORDER BY k.position)::text[] AS columns
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_class tc ON tc.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = tc.relnamespace
     WHERE n.nspname = 'public' AND tc.relname <> '_prisma_migrations'`);
  for (const row of indexes.rows) {
    let kind: string = INDEX_KINDS.normal.kind;
    if (row.primary) kind = INDEX_KINDS.id.kind;
    else if (row.unique) kind = INDEX_KINDS.unique.kind;
    shape.add(`${kind} ${row.name} ${row.table}(${row.columns.join(', ')})`);
  }

  const foreignKeys = await client.query<{
    name: string; table: string; columns: string[]; target: string; target_columns: string[];
    on_delete: string; on_update: string;
  }>(`
    SELECT con.conname AS name, c.relname AS table, tc.relname AS target,
           con.confdeltype AS on_delete, con.confupdtype AS on_update,
           array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                  ORDER BY k.position)::text[] AS columns,
           array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                  ORDER BY k.position)::text[] AS target_columns
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_class tc ON tc.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE con.contype = 'f' AND n.nspname = 'public'`);
  for (const row of foreignKeys.rows) {
    shape.add(
      `foreign key ${row.name} ${row.table}(${row.columns.join(', ')}) -> ${row.target}(${row.target_columns.join(', ')}) ` +
        `on delete ${REFERENTIAL_ACTIONS[row.on_delete]} on update ${REFERENTIAL_ACTIONS[row.on_update]}`,
    );
  }

  return shape;
}

/** Lists what the schema declares but the database lacks, and the reverse. */
export function diffShapes(expected: SchemaShape, actual: SchemaShape): { missing: string[]; unexpected: string[] } {
  return {
    missing: [...expected].filter((line) => !actual.has(line)).sort(),
    unexpected: [...actual].filter((line) => !expected.has(line)).sort(),
  };
}

function columnType(field: DmmfField): string {
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    const native = NATIVE_TYPES[name];
    if (!native) throw new Error(`No Postgres type known for @db.${name} on field ${field.name}; add it to NATIVE_TYPES`);
    return native(args);
  }
  const type = SCALAR_TYPES[field.type];
  if (!type) throw new Error(`No Postgres type known for Prisma type ${field.type} on field ${field.name}`);
  return type;
}

/** Prisma's default constraint name, shortened to Postgres's 63-byte identifier limit. */
function defaultName(table: string, columns: string[], suffix: string): string {
  const base = `${table}_${columns.join('_')}`;
  return `${base.slice(0, 63 - suffix.length - 1)}_${suffix}`;
}
