/**
 * Measures the memory and speed of the predictions export: streams the CSV
 * and the JSON of an experiment with 100,000 and with 1,000,000 prediction
 * rows (10 and 100 instances x 10,000 test samples) from a fresh database
 * through the export route, and prints the peak heap and RSS above the level
 * before each export. Flat memory means the peaks do not grow with the rows.
 *
 * Run: npm run bench:export   (Postgres at 127.0.0.1:5432, or TEST_DATABASE_URL)
 */
import os from 'node:os';
import { createSession } from '../server/auth/session.ts';
import { createUser } from '../server/auth/users.ts';
import type { Db } from '../server/db.ts';
import { addExperiment, packFloat32 } from '../test/graphql/fixtures.ts';
import { addMnist } from '../test/graphql/harness.ts';
import { createTestDatabase, dropRunDatabases, testRunId, testServerUrl } from '../test/helpers/database.ts';
import { startExportServer } from '../test/export/export-server.ts';

const SAMPLES = 10_000;
const MIB = 1024 * 1024;

async function addPredictionExperiment(db: Db, studyId: string, datasetId: string, instances: number): Promise<string> {
  const models = Array.from({ length: instances / 10 }, (_, m) => ({ label: `model ${m}`, finished: Array.from({ length: 10 }, () => 0.5) }));
  const { experiment, instanceIds } = await addExperiment(db, { studyId, datasetId, models });
  const samples = Array.from({ length: SAMPLES }, (_, s) => s);
  for (const [position, instanceId] of instanceIds.flat().entries()) {
    await db.instancePredictions.create({
      data: {
        instanceId,
        sampleCount: SAMPLES,
        predictedClass: new Uint8Array(samples.map((s) => (s + position) % 10)),
        trueClassProb: packFloat32(samples.map((s) => (s % 100) / 100)),
        loss: packFloat32(samples.map((s) => position + s / SAMPLES)),
      },
    });
  }
  return experiment.id;
}

/** Streams one export, discarding the body, while sampling this process's memory every 20 ms. */
async function measure(url: string, token: string) {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  }, 20);

  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  return { seconds, bytes, lines, heapMiB: (peakHeap - before.heapUsed) / MIB, rssMiB: (peakRss - before.rss) / MIB };
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const server = await startExportServer(database.prisma);
  try {
    const db = database.prisma;
    const user = await createUser({ db, email: 'bench@example.test', name: 'Bench', password: 'bench password' });
    const { token } = await createSession({ db, userId: user.id });
    const study = await db.study.create({ data: { name: 'bench', memberships: { create: { userId: user.id, role: 'owner' } } } });
    const datasetId = (await addMnist(db)).id;

    console.log(`export bench on ${os.cpus().length} x ${os.cpus()[0].model}, Node ${process.version}`);
    console.log('rows       format  seconds  MB out  peak heap above start (MiB)  peak RSS above start (MiB)');
    for (const instances of [10, 100]) {
      const experimentId = await addPredictionExperiment(db, study.id, datasetId, instances);
      for (const format of ['csv', 'json'] as const) {
        const result = await measure(`${server.baseUrl}/api/export/experiments/${experimentId}/predictions.${format}`, token);
        const rows = (instances * SAMPLES).toLocaleString('en-US').padEnd(10);
        console.log(
          `${rows} ${format.padEnd(6)}  ${result.seconds.toFixed(1).padStart(7)}  ${(result.bytes / 1e6).toFixed(0).padStart(6)}  ` +
            `${result.heapMiB.toFixed(1).padStart(27)}  ${result.rssMiB.toFixed(1).padStart(26)}`,
        );
      }
    }
  } finally {
    await server.close();
    await database.drop();
    await dropRunDatabases(testServerUrl(), testRunId());
  }
}

await main();
