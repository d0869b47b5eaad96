/**
 * Times `createExperiment` for a model space of MAX_MODEL_SPACE_SIZE models on
 * a fresh database: the expansion of the space, then the transaction that
 * stores the experiment and its models. Prints the figures and the machine.
 * The database and its migrated template are dropped at the end.
 *
 * Run: npx tsx bench/create-experiment.ts   (Postgres at 127.0.0.1:5432, or
 * the server of TEST_DATABASE_URL)
 */
import os from 'node:os';
import pino from 'pino';
import { experimentConfigSchema } from '../lib/config.ts';
import { expandModelSpace, MAX_MODEL_SPACE_SIZE } from '../lib/space.ts';
import { createExperiment } from '../server/experiments/create.ts';
import { createQueue } from '../worker/queue.ts';
import { createTestDatabase, dropRunDatabases, testRunId, testServerUrl } from '../test/helpers/database.ts';

/** 25 architectures x 4 activations x 4 initializers x 5 learning rates x 5 batch sizes x 10 epoch counts = 100,000 models. */
const CONFIG = {
  name: 'largest model space',
  dataset: 'mnist',
  trainSize: 500,
  space: {
    architectures: Array.from({ length: 25 }, (_, i) => ({ dense: [i + 1] })),
    activations: ['relu', 'elu', 'tanh', 'sigmoid'],
    initializers: ['he', 'glorot', 'lecun', 'normal'],
    learningRates: [0.0001, 0.0003, 0.001, 0.003, 0.01],
    batchSizes: [16, 32, 64, 128, 256],
    epochs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  },
};

const database = await createTestDatabase();
const boss = await createQueue(database.url, { logger: pino({ level: 'silent' }) });
try {
  const db = database.prisma;
  const dataset = await db.dataset.create({
    data: { key: 'mnist', version: 1, name: 'MNIST', task: 'classification', inputShape: [28, 28, 1], classes: 10, trainCount: 60000, testCount: 10000, checksum: 'bench' },
  });
  const study = await db.study.create({ data: { name: 'bench study' } });
  const user = await db.user.create({ data: { email: 'bench@example.com', name: 'bench', passwordHash: 'x' } });

  let started = performance.now();
  const { models } = expandModelSpace(experimentConfigSchema.parse(CONFIG).space, { shape: dataset.inputShape, classes: dataset.classes });
  const expandMs = performance.now() - started;

  started = performance.now();
  const experiment = await createExperiment({ db, boss, studyId: study.id, userId: user.id, config: CONFIG });
  const createMs = performance.now() - started;
  const stored = await db.model.count({ where: { experimentId: experiment.id } });

  console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, Postgres ${testServerUrl().replace(/\/\/[^@]*@/, '//')}`);
  console.log(`models: ${models.length} expanded (limit ${MAX_MODEL_SPACE_SIZE}), ${stored} stored`);
  console.log(`expandModelSpace: ${(expandMs / 1000).toFixed(2)} s`);
  console.log(`createExperiment (parse, expand, store, enqueue): ${(createMs / 1000).toFixed(2)} s`);
} finally {
  await boss.stop();
  await database.drop();
  await dropRunDatabases(testServerUrl(), testRunId());
}
