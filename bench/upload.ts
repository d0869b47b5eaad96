/**
 * Upload benchmark. It generates its files in /tmp. They are CSV tables of
 * 10 MB and 50 MB (20 numeric features and a class column), and 10,000 and
 * 60,000 x 28 x 28 uint8 images, as .npy with int64 labels and as .npz.
 * Each file is streamed from disk to the upload endpoint of a fresh server
 * process (bench/upload-server.ts). For each upload the script prints the
 * wall time of the request and the server's resident memory from /proc
 * (VmRSS before, VmHWM peak after). It also prints the peak V8 heap and
 * external memory sampled in the server and what is left of them after a
 * full garbage collection, and the load average before and after all runs.
 * Two sizes per format show whether memory grows with the file.
 *
 * Usage: npx tsx bench/upload.ts   (needs Postgres at TEST_DATABASE_URL or 127.0.0.1:5432)
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { npzBytes } from '../test/uploads/npy-files.ts';

const csvPath = (megabytes: number) => `/tmp/robustlab-bench-${megabytes}mb.csv`;
const imagesPath = (count: number) => `/tmp/robustlab-bench-${count}x28x28.npy`;
const labelsPath = (count: number) => `/tmp/robustlab-bench-${count}-labels.npy`;
const npzPath = (count: number) => `/tmp/robustlab-bench-${count}x28x28.npz`;

function npyHeader(descr: string, shape: number[]): Buffer {
  const dictionary = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const padded = dictionary + ' '.repeat((64 - ((10 + dictionary.length + 1) % 64)) % 64) + '\n';
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  prefix.writeUInt16LE(padded.length, 8);
  return Buffer.concat([prefix, Buffer.from(padded, 'latin1')]);
}

async function writeCsv(megabytes: number): Promise<void> {
  const path = csvPath(megabytes);
  if (existsSync(path) && statSync(path).size >= megabytes * 1e6) return;
  const out = createWriteStream(path);
  out.write(`${Array.from({ length: 20 }, (_, i) => `f${i}`).join(',')},label\n`);
  let written = 0;
  let row = 0;
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  while (written < megabytes * 1e6) {
    const line = `${Array.from({ length: 20 }, () => (next() * 100).toFixed(2)).join(',')},${row++ % 3 === 0 ? 'a' : 'b'}\n`;
    written += line.length;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

function writeImages(count: number): void {
  if (existsSync(imagesPath(count)) && existsSync(labelsPath(count)) && existsSync(npzPath(count))) return;
  const pixels = Buffer.alloc(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
  const images = Buffer.concat([npyHeader('|u1', [count, 28, 28]), pixels]);
  const labelValues = new BigInt64Array(count).map((_, i) => BigInt(i % 10));
  const labels = Buffer.concat([npyHeader('<i8', [count]), Buffer.from(labelValues.buffer)]);
  writeFileSync(imagesPath(count), images);
  writeFileSync(labelsPath(count), labels);
  writeFileSync(npzPath(count), npzBytes({ x: images, y: labels }, { deflate: true }));
}

async function memoryOf(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

function post(url: string, token: string, files: string[]): Promise<{ status: number; body: string }> {
  const length = files.reduce((sum, file) => sum + statSync(file).size, 0);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-length': length } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    const send = (index: number) => {
      if (index === files.length) return request.end();
      const stream = createReadStream(files[index]);
      stream.pipe(request, { end: false });
      stream.on('end', () => send(index + 1));
    };
    send(0);
  });
}

const CSV_MEGABYTES = [10, 50];
const IMAGE_COUNTS = [10_000, 60_000];
for (const megabytes of CSV_MEGABYTES) await writeCsv(megabytes);
for (const count of IMAGE_COUNTS) writeImages(count);
/** Starts a fresh server process, so each upload's memory is measured from the same start. */
async function startServer() {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', new URL('./upload-server.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve))) as { url: string; token: string; studyId: string };
  return { child, ...ready };
}

const runs: { name: string; files: string[]; query: Record<string, string> }[] = [
  ...CSV_MEGABYTES.map((megabytes) => ({ name: `${megabytes} MB CSV`, files: [csvPath(megabytes)], query: { format: 'csv', task: 'classification', target: 'label' } })),
  ...IMAGE_COUNTS.map((count) => ({
    name: `${count.toLocaleString('en-US')} x 28 x 28 uint8 .npy + labels .npy`,
    files: [imagesPath(count), labelsPath(count)],
    query: { format: 'npy', task: 'classification', inputBytes: String(statSync(imagesPath(count)).size) },
  })),
  ...IMAGE_COUNTS.map((count) => ({ name: `${count.toLocaleString('en-US')} x 28 x 28 uint8 deflated .npz`, files: [npzPath(count)], query: { format: 'npz', task: 'classification' } })),
];
const formatLoad = () => loadavg().map((value) => value.toFixed(2)).join(' ');
console.log(`load average before: ${formatLoad()}`);
for (const run of runs) {
  const { child, ...ready } = await startServer();
  try {
    const before = await memoryOf(child.pid!);
    const query = new URLSearchParams({ studyId: ready.studyId, name: run.name, ...run.query });
    const started = performance.now();
    const response = await post(`${ready.url}/api/datasets/upload?${query}`, ready.token, run.files);
    const seconds = (performance.now() - started) / 1000;
    const after = await memoryOf(child.pid!);
    const megabytes = run.files.reduce((sum, file) => sum + statSync(file).size, 0) / 1e6;
    const heap = (await (await fetch(`${ready.url}/bench/memory`)).json()) as { heapUsedMb: number; externalMb: number; heapUsedAfterGcMb: number; externalAfterGcMb: number };
    console.log(
      `${run.name}: ${megabytes.toFixed(1)} MB in ${seconds.toFixed(1)} s, HTTP ${response.status}; server RSS before ${before.rssMb} MB, after ${after.rssMb} MB, peak ${after.peakMb} MB; ` +
        `peak V8 heap ${heap.heapUsedMb} MB and external ${heap.externalMb} MB, after a full GC ${heap.heapUsedAfterGcMb} MB and ${heap.externalAfterGcMb} MB`,
    );
    if (response.status >= 300) console.log(`  response: ${response.body}`);
  } finally {
    child.kill('SIGTERM');
  }
}
console.log(`load average after: ${formatLoad()}`);
