/**
 * Rows of experiments, models, datasets and instances read with plain SQL,
 * in the shape Prisma returns them, for the API's hot read paths.
 */
import { Prisma, type Dataset, type Experiment, type Instance, type Model, type StudyRole } from '../../generated/prisma/client.ts';
import { queryRows, type SqlReader } from './sql.ts';

/**
 * Builds a select list that returns every scalar field of a Prisma model
 * under its field name, after `prefix`. Every column of these tables is the
 * snake_case form of its field name (`@map` in prisma/schema.prisma).
 */
function selectList(fields: Record<string, string>, alias: string, prefix = ''): string {
  return Object.keys(fields)
    .map((field) => `${alias}.${field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)} AS "${prefix}${field}"`)
    .join(', ');
}

/** Select lists of the tables' Prisma fields, for the table aliases e, m, d and i. */
export const EXPERIMENT_FIELDS = selectList(Prisma.ExperimentScalarFieldEnum, 'e');
export const MODEL_FIELDS = selectList(Prisma.ModelScalarFieldEnum, 'm');
export const DATASET_FIELDS = selectList(Prisma.DatasetScalarFieldEnum, 'd');
export const INSTANCE_FIELDS = selectList(Prisma.InstanceScalarFieldEnum, 'i');

// The study of a joined row, with the member's role, under "study." (aliases s and ms).
const STUDY_OF_MEMBER_FIELDS = `s.id AS "study.id", s.name AS "study.name", s.description AS "study.description",
  s.created_at AS "study.createdAt", ms.role::text AS "study.role"`;

/** A study with the role of the member who reads it. */
export type StudyOfMember = { id: string; name: string; description: string; createdAt: Date; role: StudyRole };

/** Splits the fields named `prefix` + field out of a joined row. */
function takePrefixed<T>(row: Record<string, unknown>, prefix: string): T {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(row)) {
    if (key.startsWith(prefix)) result[key.slice(prefix.length)] = row[key];
  }
  return result as T;
}

/** Picks the unprefixed fields of a Prisma model out of a joined row. */
function pickFields<T>(row: Record<string, unknown>, fields: Record<string, string>): T {
  const result: Record<string, unknown> = {};
  for (const field of Object.keys(fields)) result[field] = row[field];
  return result as T;
}

function byId<T extends { id: string }>(rows: T[]): Map<string, T> {
  return new Map(rows.map((row) => [row.id, row]));
}

/** Loads experiments by id. Unknown ids are left out. */
export async function loadExperimentsById({ db, ids }: { db: SqlReader; ids: string[] }): Promise<Map<string, Experiment>> {
  const text = `SELECT ${EXPERIMENT_FIELDS} FROM experiments e WHERE e.id = ANY($1::uuid[])`;
  return byId(await queryRows<Experiment>(db, 'rows.experiments_by_id', text, [ids]));
}

/**
 * The finished, finite test losses of model `m` in instance order, as the
 * JSON array "finishedTestLosses" (null when there are none), from the index
 * on instances (model_id, status, test_loss). node-postgres parses JSON with
 * JSON.parse, which costs less than its parser of float8[] text. No
 * statistic is defined over NaN or infinite losses, so they are left out, as
 * loadModelTestLosses does.
 */
const FINISHED_TEST_LOSSES_JOIN = `LEFT JOIN LATERAL (
    SELECT json_agg(test_loss ORDER BY instance_index) AS "finishedTestLosses" FROM instances
    WHERE model_id = m.id AND status = 'finished' AND test_loss IS NOT NULL
      AND test_loss NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)
  ) l ON true`;

/** A model row with the finished, finite test losses of its instances in instance order. */
export type ModelWithLosses = { model: Model; testLosses: number[] };

function splitModelRow(row: Record<string, unknown>): ModelWithLosses {
  return { model: pickFields<Model>(row, Prisma.ModelScalarFieldEnum), testLosses: (row.finishedTestLosses as number[] | null) ?? [] };
}

/**
 * Loads models by id with their finished test losses, which nearly every
 * model field of the API needs, in one statement. Unknown ids are left out.
 */
export async function loadModelsById({ db, ids }: { db: SqlReader; ids: string[] }): Promise<Map<string, ModelWithLosses>> {
  const text = `SELECT ${MODEL_FIELDS}, l."finishedTestLosses" FROM models m ${FINISHED_TEST_LOSSES_JOIN} WHERE m.id = ANY($1::uuid[])`;
  const rows = await queryRows<Record<string, unknown>>(db, 'rows.models_by_id', text, [ids]);
  return new Map(rows.map((row) => [row.id as string, splitModelRow(row)]));
}

/** Loads datasets by id. Unknown ids are left out. */
export async function loadDatasetsById({ db, ids }: { db: SqlReader; ids: string[] }): Promise<Map<string, Dataset>> {
  const text = `SELECT ${DATASET_FIELDS} FROM datasets d WHERE d.id = ANY($1::uuid[])`;
  return byId(await queryRows<Dataset>(db, 'rows.datasets_by_id', text, [ids]));
}

/**
 * Returns the experiment with its dataset, its study and the user's role in
 * the study, or null when the user is not a member of the study. One
 * statement for the access check and the rows that experiment queries need.
 */
export async function findVisibleExperimentRow({
  db,
  experimentId,
  userId,
}: {
  db: SqlReader;
  experimentId: string;
  userId: string;
}): Promise<{ experiment: Experiment; dataset: Dataset; study: StudyOfMember } | null> {
  const text = `SELECT ${EXPERIMENT_FIELDS}, ${selectList(Prisma.DatasetScalarFieldEnum, 'd', 'dataset.')}, ${STUDY_OF_MEMBER_FIELDS}
    FROM experiments e
    JOIN memberships ms ON ms.study_id = e.study_id AND ms.user_id = $2::uuid
    JOIN studies s ON s.id = e.study_id
    JOIN datasets d ON d.id = e.dataset_id
    WHERE e.id = $1::uuid`;
  const [row] = await queryRows<Record<string, unknown>>(db, 'rows.visible_experiment', text, [experimentId, userId]);
  if (!row) return null;
  return {
    experiment: pickFields<Experiment>(row, Prisma.ExperimentScalarFieldEnum),
    dataset: takePrefixed<Dataset>(row, 'dataset.'),
    study: takePrefixed<StudyOfMember>(row, 'study.'),
  };
}

/**
 * Returns the model with its finished test losses, its experiment, the
 * experiment's study and the user's role in it, or null when the user is
 * not a member of the study.
 */
export async function findVisibleModelRow({
  db,
  modelId,
  userId,
}: {
  db: SqlReader;
  modelId: string;
  userId: string;
}): Promise<(ModelWithLosses & { experiment: Experiment; study: StudyOfMember }) | null> {
  const text = `SELECT ${MODEL_FIELDS}, l."finishedTestLosses", ${selectList(Prisma.ExperimentScalarFieldEnum, 'e', 'experiment.')}, ${STUDY_OF_MEMBER_FIELDS}
    FROM models m
    JOIN experiments e ON e.id = m.experiment_id
    JOIN memberships ms ON ms.study_id = e.study_id AND ms.user_id = $2::uuid
    JOIN studies s ON s.id = e.study_id
    ${FINISHED_TEST_LOSSES_JOIN}
    WHERE m.id = $1::uuid`;
  const [row] = await queryRows<Record<string, unknown>>(db, 'rows.visible_model', text, [modelId, userId]);
  if (!row) return null;
  return { ...splitModelRow(row), experiment: takePrefixed<Experiment>(row, 'experiment.'), study: takePrefixed<StudyOfMember>(row, 'study.') };
}

/**
 * Lists one page of a model's instances in instance order, with the number
 * of all its instances. The count comes with the rows, so only a page past
 * the end needs a second statement.
 */
export async function listModelInstances({ db, modelId, offset, limit }: { db: SqlReader; modelId: string; offset: number; limit: number }): Promise<{ items: Instance[]; total: number }> {
  const text = `SELECT ${INSTANCE_FIELDS}, (count(*) OVER ())::int AS "totalCount" FROM instances i
    WHERE i.model_id = $1::uuid ORDER BY i.instance_index OFFSET $2 LIMIT $3`;
  const rows = await queryRows<Instance & { totalCount: number }>(db, 'rows.model_instances', text, [modelId, offset, limit]);
  if (rows.length > 0) {
    const total = rows[0].totalCount;
    return { items: rows.map(({ totalCount: _, ...instance }) => instance), total };
  }

  const counts = await queryRows<{ total: number }>(db, 'rows.model_instance_count', 'SELECT count(*)::int AS total FROM instances WHERE model_id = $1::uuid', [modelId]);
  return { items: [], total: counts[0].total };
}
