/**
 * Upload benchmark: a 50 MB CSV (20 numeric features and a class column) and
 * 60,000 x 28 x 28 uint8 images as .npy with int64 labels, generated in /tmp.
 * Each file is streamed from disk to the upload endpoint in a separate server
 * process (bench/upload-server.ts), and the script prints the wall time of the
 * request and the server's resident memory (VmRSS before, VmHWM peak from
 * /proc) after each upload. Each upload gets a fresh server process.
 *
 * Usage: npx tsx bench/upload.ts   (needs Postgres at TEST_DATABASE_URL or 127.0.0.1:5432)
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { createInterface } from 'node:readline';

const CSV_PATH = '/tmp/robustlab-bench-50mb.csv';
const IMAGES_PATH = '/tmp/robustlab-bench-60000x28x28.npy';
const LABELS_PATH = '/tmp/robustlab-bench-60000-labels.npy';

function npyHeader(descr: string, shape: number[]): Buffer {
  const dictionary = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const padded = dictionary + ' '.repeat((64 - ((10 + dictionary.length + 1) % 64)) % 64) + '\n';
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  prefix.writeUInt16LE(padded.length, 8);
  return Buffer.concat([prefix, Buffer.from(padded, 'latin1')]);
}

async function writeCsv(): Promise<void> {
  if (existsSync(CSV_PATH) && statSync(CSV_PATH).size >= 50e6) return;
  const out = createWriteStream(CSV_PATH);
  out.write(`${Array.from({ length: 20 }, (_, i) => `f${i}`).join(',')},label\n`);
  let written = 0;
  let row = 0;
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  while (written < 50e6) {
    const line = `${Array.from({ length: 20 }, () => (next() * 100).toFixed(2)).join(',')},${row++ % 3 === 0 ? 'a' : 'b'}\n`;
    written += line.length;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

function writeImages(): void {
  if (existsSync(IMAGES_PATH) && existsSync(LABELS_PATH)) return;
  const pixels = Buffer.alloc(60000 * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
  writeFileSync(IMAGES_PATH, Buffer.concat([npyHeader('|u1', [60000, 28, 28]), pixels]));
  const labels = new BigInt64Array(60000).map((_, i) => BigInt(i % 10));
  writeFileSync(LABELS_PATH, Buffer.concat([npyHeader('<i8', [60000]), Buffer.from(labels.buffer)]));
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

await writeCsv();
writeImages();
/** Starts a fresh server process, so each upload's memory is measured from the same start. */
async function startServer() {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./upload-server.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve))) as { url: string; token: string; studyId: string };
  return { child, ...ready };
}

const runs: { name: string; files: string[]; query: Record<string, string> }[] = [
  { name: '50 MB CSV', files: [CSV_PATH], query: { format: 'csv', task: 'classification', target: 'label' } },
  { name: '60,000 x 28 x 28 uint8 .npy + labels .npy', files: [IMAGES_PATH, LABELS_PATH], query: { format: 'npy', task: 'classification', inputBytes: String(statSync(IMAGES_PATH).size) } },
];
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
    console.log(`${run.name}: ${megabytes.toFixed(1)} MB in ${seconds.toFixed(1)} s, HTTP ${response.status}; server RSS before ${before.rssMb} MB, after ${after.rssMb} MB, peak ${after.peakMb} MB`);
    if (response.status >= 300) console.log(`  response: ${response.body}`);
  } finally {
    child.kill('SIGTERM');
  }
}
