// Builds the optional native training kernels (native/kernels.c) after
// `npm install` / `npm ci`, and with `npm run build:native`. They need a C
// compiler and Node's own headers (node_api.h); at run time they also need a
// CBLAS library such as Debian's libopenblas0-pthread. Where any of these is
// missing, training uses the wasm backend's kernels instead, so a missing
// compiler, header or library does not fail the install: the script prints
// what it did and exits 0.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = path.join(root, 'native', 'kernels.c');
const outputDir = path.join(root, 'native', 'build');
const output = path.join(outputDir, 'robustlab_kernels.node');

function skip(reason) {
  rmSync(output, { force: true });
  console.log(`Native training kernels not built: ${reason}. Training uses the wasm kernels.`);
  process.exit(0);
}

function nodeHeaders() {
  const candidates = [
    process.env.npm_config_nodedir && path.join(process.env.npm_config_nodedir, 'include', 'node'),
    path.join(path.dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ].filter(Boolean);
  return candidates.find((dir) => existsSync(path.join(dir, 'node_api.h')));
}

function runs(name) {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

function compiler() {
  if (process.env.CC) {
    if (runs(process.env.CC)) return process.env.CC;
    console.log(`CC=${process.env.CC} does not run; trying cc, gcc and clang instead.`);
  }
  return ['cc', 'gcc', 'clang'].find(runs);
}

/** Loads the built kernels in a fresh Node process and returns the end of the build message: their BLAS library, or why none loads. */
function blasReport() {
  const probe = `console.log(JSON.stringify(require(${JSON.stringify(output)}).info()))`;
  const result = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  if (result.status !== 0) return `, but they failed to load: ${result.stderr.trim().split('\n')[0]}`;
  const info = JSON.parse(result.stdout.trim());
  if (info.blas) {
    const core = info.core ? ` (${info.core} kernels)` : '';
    // The worker turns the product off at run time when ROBUSTLAB_AVX512_PRODUCTS is off.
    const avx512 = info.avx512Products && process.env.ROBUSTLAB_AVX512_PRODUCTS?.trim().toLowerCase() !== 'off';
    return `; they use ${info.blas}${core}${avx512 ? ', with their own AVX-512 matrix product' : ''}`;
  }
  return `, but no CBLAS library loads (${info.error}), so training uses the wasm kernels until one is installed (Debian: apt-get install libopenblas0-pthread)`;
}

if (process.env.ROBUSTLAB_NATIVE_KERNELS?.trim().toLowerCase() === 'off') skip('ROBUSTLAB_NATIVE_KERNELS is off');
if (process.platform !== 'linux') skip(`the build script supports Linux only, not ${process.platform}`);
const headers = nodeHeaders();
if (headers === undefined) skip("Node's headers (node_api.h) were not found");
const cc = compiler();
if (cc === undefined) skip('no C compiler (cc, gcc or clang) was found');

mkdirSync(outputDir, { recursive: true });
const partial = `${output}.${process.pid}.partial`;
const args = ['-O3', '-ffp-contract=off', '-fno-math-errno', '-std=c11', '-Wall', '-Wextra', '-shared', '-fPIC', `-I${headers}`, source, '-o', partial, '-ldl'];
const result = spawnSync(cc, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (result.status !== 0) {
  rmSync(partial, { force: true });
  skip(`${cc} exited with ${result.status ?? result.signal}`);
}
renameSync(partial, output);
console.log(`Native training kernels built with ${cc} (${path.relative(root, output)})${blasReport()}.`);
