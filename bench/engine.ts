/**
 * Training-engine benchmark: ensemble throughput of TensorFlow.js against PyTorch.
 *
 * For each network of bench/engine-models.ts, batch size and available
 * backend it trains instances on fixed synthetic data (bench/engine-worker.ts)
 * in one process, then in one process per core at the same time, and prints
 * samples/s and instances per minute. An instance is 3 epochs over 1,800
 * samples. When a python3 with torch is found, bench/engine_torch.py trains the
 * same networks the same way (one thread per process) and each row gets the
 * ratio ours/PyTorch. Every process, ours and PyTorch's, runs with
 * OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS set to 1: without
 * them PyTorch's OpenBLAS starts a thread per core for large products even
 * after torch.set_num_threads(1), and a "single" PyTorch process used 1.8 CPUs.
 * On wasm the engine uses the native kernels (worker/engine/native-kernels.ts)
 * where they load; `--native off` measures the wasm kernels alone.
 *
 * Run: npm run bench:engine -- [--models a,b] [--batches 32,256] [--backends wasm,cpu]
 *        [--seconds 6] [--repeats 2] [--processes N] [--native off]
 * Defaults: every network, batches 32 and 256, backends tensorflow and wasm
 * (cpu only when named: it trains CNNs about 100 times slower), the best of 2
 * runs of 6 s per measurement, one process per core.
 */
import { execFile, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BENCH_MODELS, findBenchModel, type BenchModel } from './engine-models';
import type { NativeKernelStatus } from '../worker/engine/native-kernels';
import { EPOCHS_PER_INSTANCE, SAMPLES_PER_EPOCH, type WorkerResult } from './engine-worker';

const run = promisify(execFile);
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const SAMPLES_PER_INSTANCE = SAMPLES_PER_EPOCH * EPOCHS_PER_INSTANCE;

interface Options {
  models: BenchModel[];
  batches: number[];
  backends: string[];
  seconds: number;
  processes: number;
  repeats: number;
  native: boolean;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const numbers = (text: string, flag: string) =>
    text.split(',').map((item) => {
      const parsed = Number(item);
      if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`Invalid ${flag} value '${item}': expected positive integers.`);
      return parsed;
    });
  const seconds = Number(value('--seconds') ?? 6);
  if (!(seconds > 0)) throw new Error(`Invalid --seconds value '${value('--seconds')}': expected a positive number.`);
  return {
    models: (value('--models')?.split(',') ?? BENCH_MODELS.map((model) => model.name)).map(findBenchModel),
    batches: numbers(value('--batches') ?? '32,256', '--batches'),
    backends: value('--backends')?.split(',') ?? ['tensorflow', 'wasm'],
    seconds,
    processes: numbers(value('--processes') ?? String(os.availableParallelism()), '--processes')[0],
    repeats: numbers(value('--repeats') ?? '2', '--repeats')[0],
    native: parseNative(value('--native') ?? 'on'),
  };
}

function parseNative(text: string): boolean {
  if (text !== 'on' && text !== 'off') throw new Error(`Invalid --native value '${text}': expected on or off.`);
  return text === 'on';
}

/** Finds a python that imports torch: `python3` first, then Debian's /usr/bin/python3. */
function findTorchPython(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
    if (probe.status === 0) return python;
  }
  return null;
}

interface Throughput {
  samplesPerSecond: number;
  maxRssMb: number;
}

/** Runs `count` copies of a worker command at the same time; returns their summed samples/s and the max RSS. */
async function runConcurrently(count: number, command: string, args: string[]): Promise<Throughput> {
  const outputs = await Promise.all(Array.from({ length: count }, () => run(command, args, { maxBuffer: 1 << 20, env: workerEnv })));
  const results = outputs.map(({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1)!) as WorkerResult);
  return {
    samplesPerSecond: results.reduce((sum, result) => sum + result.samples / result.seconds, 0),
    maxRssMb: Math.max(...results.map((result) => result.maxRssMb)),
  };
}

/**
 * Measures each command `repeats` times, alternating between them so that a
 * burst of load from other processes hits all of them alike, and keeps the
 * best run of each: load only ever slows a run down.
 */
async function bestOf(repeats: number, count: number, commands: Array<[string, string[]]>): Promise<Throughput[]> {
  const best = commands.map(() => ({ samplesPerSecond: 0, maxRssMb: 0 }));
  for (let round = 0; round < repeats; round++) {
    for (const [index, [command, args]] of commands.entries()) {
      const result = await runConcurrently(count, command, args);
      if (result.samplesPerSecond > best[index].samplesPerSecond) best[index] = result;
    }
  }
  return best;
}

/** Builds the environment of every benchmark process: one BLAS and OpenMP thread, and the native kernels on or off. */
function workerEnvironment(native: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  if (!native) env.ROBUSTLAB_NATIVE_KERNELS = 'off';
  return env;
}

/** Returns the native kernels' status line, read in a fresh process. */
async function nativeKernelNote(): Promise<string> {
  const probe = `import { nativeKernelStatus } from './worker/engine/native-kernels.ts'; console.log(JSON.stringify(nativeKernelStatus()));`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: path.dirname(benchDir), env: workerEnv });
  const status = JSON.parse(stdout.trim()) as NativeKernelStatus;
  if (!status.active) return `native kernels off: ${status.reason}`;
  const productKernel = status.avx512Products ? 'products on the addon\'s AVX-512 kernel' : 'products on the BLAS';
  return `native kernels on wasm: ${status.blas}${status.core ? ` (${status.core} kernels)` : ''}, ${productKernel}`;
}

async function backendAvailable(backend: string): Promise<boolean> {
  const probe = `import { initBackend } from './worker/engine/backend.ts'; console.log(await initBackend(${JSON.stringify(backend)}));`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: path.dirname(benchDir) });
  return stdout.trim() === backend;
}

function format(samplesPerSecond: number): string {
  const perMinute = (samplesPerSecond * 60) / SAMPLES_PER_INSTANCE;
  return `${samplesPerSecond.toFixed(0).padStart(7)} ${perMinute.toFixed(1).padStart(7)}`;
}

const options = parseOptions(process.argv.slice(2));
const workerEnv = workerEnvironment(options.native);
const python = findTorchPython();
const torchNote = python === null ? 'PyTorch: no python3 with torch found, printing our figures only' : `PyTorch: ${python} bench/engine_torch.py, 1 thread per process`;
console.log(`${os.cpus().length} CPUs (${os.cpus()[0]?.model}), ensemble = ${options.processes} processes; load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
console.log(`instance = ${EPOCHS_PER_INSTANCE} epochs x ${SAMPLES_PER_EPOCH} samples; best of ${options.repeats} runs of ${options.seconds} s; ${torchNote}`);
console.log(`${await nativeKernelNote()}; OPENBLAS_NUM_THREADS=1 for every process`);
console.log(
  ['backend', 'model', 'batch', 'single: samples/s inst/min', 'ensemble: samples/s inst/min', 'torch single', 'torch ensemble', 'ratio single', 'ratio ensemble', 'max RSS MB'].join(' | '),
);

for (const backend of options.backends) {
  if (!(await backendAvailable(backend))) {
    console.log(`${backend}: not available on this machine, skipped`);
    continue;
  }
  for (const model of options.models) {
    for (const batch of options.batches) {
      const workerArgs = ['--import', 'tsx', path.join(benchDir, 'engine-worker.ts'), model.name, backend, String(batch), String(options.seconds)];
      const commands: Array<[string, string[]]> = [[process.execPath, workerArgs]];
      if (python !== null) {
        commands.push([python, [path.join(benchDir, 'engine_torch.py'), JSON.stringify(model.spec), String(batch), String(options.seconds)]]);
      }
      const [single, torchSingle] = await bestOf(options.repeats, 1, commands);
      const [ensemble, torchEnsemble] = await bestOf(options.repeats, options.processes, commands);
      const cells = [backend, model.name, String(batch), format(single.samplesPerSecond), format(ensemble.samplesPerSecond)];

      if (python !== null) {
        cells.push(format(torchSingle.samplesPerSecond), format(torchEnsemble.samplesPerSecond));
        cells.push((single.samplesPerSecond / torchSingle.samplesPerSecond).toFixed(2), (ensemble.samplesPerSecond / torchEnsemble.samplesPerSecond).toFixed(2));
      }
      cells.push(ensemble.maxRssMb.toFixed(0));
      console.log(cells.join(' | '));
    }
  }
}
console.log(`load average after: ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
