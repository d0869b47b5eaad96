/** Writers of .npy and .npz bytes for tests, following the NumPy format 1.0. */
import zlib from 'node:zlib';

/** Builds a version-1 .npy file; `header` replaces the dictionary text when given. */
export function npyBytes(descr: string, shape: number[], data: Uint8Array, header?: string): Buffer {
  const dictionary = header ?? `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dictionary.length + 1;
  const padded = dictionary + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(prefix);
  prefix.writeUInt16LE(padded.length, 8);
  return Buffer.concat([prefix, Buffer.from(padded, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** float32 .npy of the given values. */
export function float32Npy(shape: number[], values: ArrayLike<number>): Buffer {
  return npyBytes('<f4', shape, new Uint8Array(Float32Array.from(values).buffer));
}

/** int64 .npy of labels. */
export function int64Npy(values: number[]): Buffer {
  return npyBytes('<i8', [values.length], new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer));
}

/** Builds a ZIP archive of the given members, stored as numpy.savez writes them or deflated as numpy.savez_compressed does. */
export function npzBytes(members: Record<string, Buffer>, options: { deflate?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  const method = options.deflate ? 8 : 0;
  for (const [name, raw] of Object.entries(members)) {
    const fileName = Buffer.from(`${name}.npy`);
    const crc = zlib.crc32(raw);
    const data = options.deflate ? zlib.deflateRawSync(raw) : raw;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(raw.length, 24);
    entry.writeUInt16LE(fileName.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    directory.push(entry, fileName);
    offset += 30 + fileName.length + data.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(members).length, 8);
  end.writeUInt16LE(Object.keys(members).length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directoryBytes, end]);
}
