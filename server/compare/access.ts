/**
 * Membership checks of the comparison queries: every requested experiment or
 * model must belong to a study the user is a member of. A hidden id is
 * reported exactly like an unknown one, so the response reveals nothing
 * about studies the user cannot see.
 */
import type { Experiment, Model } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';

/** Returns the experiments in request order, or the first requested id that is unknown or hidden. */
export async function findExperimentsForMember({
  db,
  experimentIds,
  userId,
}: {
  db: DbOrTx;
  experimentIds: readonly string[];
  userId: string;
}): Promise<{ experiments: Experiment[]; missingId: null } | { experiments: null; missingId: string }> {
  const rows = await db.experiment.findMany({
    where: { id: { in: [...experimentIds] }, study: { memberships: { some: { userId } } } },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missingId = experimentIds.find((id) => !byId.has(id));
  if (missingId !== undefined) return { experiments: null, missingId };
  return { experiments: experimentIds.map((id) => byId.get(id)!), missingId: null };
}

/** Returns the models in request order, or the first requested id that is unknown or hidden. */
export async function findModelsForMember({
  db,
  modelIds,
  userId,
}: {
  db: DbOrTx;
  modelIds: readonly string[];
  userId: string;
}): Promise<{ models: Model[]; missingId: null } | { models: null; missingId: string }> {
  const rows = await db.model.findMany({
    where: { id: { in: [...modelIds] }, experiment: { study: { memberships: { some: { userId } } } } },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missingId = modelIds.find((id) => !byId.has(id));
  if (missingId !== undefined) return { models: null, missingId };
  return { models: modelIds.map((id) => byId.get(id)!), missingId: null };
}
