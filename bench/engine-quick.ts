/**
 * Prints the training speed of one instance of a small CNN and of an MLP on
 * every backend that loads in this process. Each instance trains on 2,000
 * MNIST digits (10% held out for validation) for 3 epochs at batch 32, then
 * evaluates the 2,000 test digits.
 *
 * Run: npx tsx bench/engine-quick.ts [backend ...]   (default: tensorflow wasm cpu)
 *
 * The cpu backend trains the CNN about 100 times slower than wasm, so there
 * the CNN runs a tenth of the samples for one epoch and the full-instance time
 * is an estimate scaled from it (a trained sample counted as 3 forward passes).
 */
import { modelSpecSchema, type Architecture } from '../lib/config';
import { countParameters } from '../lib/space';
import { loadDataset, type Dataset } from '../worker/datasets';
import { BACKEND_NAMES, initBackend, type BackendName } from '../worker/engine/backend';
import { trainInstance } from '../worker/engine/train';

const MODELS: Array<{ name: string; architecture: Architecture }> = [
  {
    name: 'cnn conv16k3p2-conv32k3p2-d32',
    architecture: { conv: [{ filters: 16, kernelSize: 3, pool: 2 }, { filters: 32, kernelSize: 3, pool: 2 }], dense: [32] },
  },
  { name: 'mlp d32-d16', architecture: { conv: [], dense: [32, 16] } },
];

const FULL = { trainSize: 2000, epochs: 3, testSize: 2000 };
const REDUCED = { trainSize: 200, epochs: 1, testSize: 200 };
const VALIDATION_FRACTION = 0.1;

/** Forward-pass equivalents of an instance: training counts 3 (forward and backward), evaluation 1. */
function workUnits(run: typeof FULL): number {
  const validation = Math.round(run.trainSize * VALIDATION_FRACTION);
  const trained = (run.trainSize - validation) * run.epochs;
  return 3 * trained + validation * run.epochs + run.testSize;
}

function withTestSize(dataset: Dataset, testSize: number): Dataset {
  const sampleSize = dataset.inputShape.reduce((product, size) => product * size, 1);
  return { ...dataset, testX: dataset.testX.subarray(0, testSize * sampleSize), testY: dataset.testY.subarray(0, testSize) };
}

async function benchmark(backend: BackendName, dataset: Dataset): Promise<void> {
  for (const model of MODELS) {
    const reduced = backend === 'cpu' && model.architecture.conv.length > 0;
    const run = reduced ? REDUCED : FULL;
    const result = await trainInstance({
      spec: modelSpecSchema.parse({ architecture: model.architecture, epochs: run.epochs, batchSize: 32 }),
      dataset: withTestSize(dataset, run.testSize),
      seeds: { init: 1, sample: 2, shuffle: 3 },
      trainSize: run.trainSize,
      validationFraction: VALIDATION_FRACTION,
      backend,
    });

    const seconds = result.durationMs / 1000;
    const trained = (run.trainSize - Math.round(run.trainSize * VALIDATION_FRACTION)) * run.epochs;
    const instanceSeconds = reduced ? (seconds * workUnits(FULL)) / workUnits(run) : seconds;
    const parameters = countParameters(model.architecture, dataset.inputShape, dataset.classes);
    console.log(
      [
        backend.padEnd(10),
        model.name.padEnd(30),
        `${parameters} params`.padEnd(14),
        `${(trained / seconds).toFixed(0)} trained samples/s (incl. evaluation)`.padEnd(42),
        `${instanceSeconds.toFixed(1)} s per instance${reduced ? ' (estimate from 200 digits, 1 epoch)' : ''}`,
        `test loss ${result.testLoss?.toFixed(3) ?? result.status}`,
      ].join(' '),
    );
  }
}

const requested = process.argv.slice(2);
const backends = (requested.length > 0 ? requested : [...BACKEND_NAMES]) as BackendName[];
const dataset = await loadDataset('mnist');
console.log(`${FULL.trainSize} digits (${VALIDATION_FRACTION * 100}% validation), ${FULL.epochs} epochs, batch 32, ${FULL.testSize} test digits`);
for (const backend of backends) {
  const active = await initBackend(backend);
  if (active !== backend) {
    console.log(`${backend.padEnd(10)} not available in this process`);
    continue;
  }
  await benchmark(backend, dataset);
}
