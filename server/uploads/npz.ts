/** Reads the members of an `.npz` file (a ZIP archive of `.npy` files, stored or deflated). */
import { inflateRawSync } from 'node:zlib';
import { UploadError } from './errors.ts';

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** Returns the `.npy` bytes of every member, keyed by name without `.npy`. */
export function readNpz(archive: Buffer): Map<string, Buffer> {
  const invalid = (what: string) => new UploadError('INVALID_NPZ', `Invalid .npz file: ${what}; expected a ZIP archive written by numpy.savez.`);
  let end = -1;
  for (let offset = archive.length - 22; offset >= Math.max(0, archive.length - 22 - 65535); offset--) {
    if (archive.readUInt32LE(offset) === END_OF_DIRECTORY) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw invalid('no ZIP end-of-directory record was found');

  const entries = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const members = new Map<string, Buffer>();
  for (let i = 0; i < entries; i++) {
    if (offset + 46 > archive.length || archive.readUInt32LE(offset) !== DIRECTORY_ENTRY) throw invalid(`directory entry ${i + 1} is damaged`);
    const method = archive.readUInt16LE(offset + 10);
    let compressedSize = archive.readUInt32LE(offset + 20);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    let localOffset = archive.readUInt32LE(offset + 42);
    const name = archive.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    // numpy writes ZIP64 extra fields for large members; their sizes and offset live there.
    if (compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      const zip64 = readZip64(archive.subarray(offset + 46 + nameLength, offset + 46 + nameLength + extraLength), archive.readUInt32LE(offset + 24) === 0xffffffff);
      if (compressedSize === 0xffffffff) compressedSize = zip64.compressed;
      if (localOffset === 0xffffffff) localOffset = zip64.offset;
    }
    offset += 46 + nameLength + extraLength + commentLength;

    if (localOffset + 30 > archive.length || archive.readUInt32LE(localOffset) !== LOCAL_HEADER) throw invalid(`member ${JSON.stringify(name)} has no local header`);
    const dataStart = localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > archive.length) throw invalid(`member ${JSON.stringify(name)} is truncated`);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    let bytes: Buffer;
    if (method === 0) bytes = data;
    else if (method === 8) {
      try {
        bytes = inflateRawSync(data);
      } catch {
        throw invalid(`member ${JSON.stringify(name)} does not inflate`);
      }
    } else throw invalid(`member ${JSON.stringify(name)} uses compression method ${method}`);
    members.set(name.replace(/\.npy$/, ''), bytes);
  }
  return members;
}

function readZip64(extra: Buffer, hasUncompressed: boolean): { compressed: number; offset: number } {
  for (let position = 0; position + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(position);
    const size = extra.readUInt16LE(position + 2);
    if (id === 1) {
      let field = position + 4;
      if (hasUncompressed) field += 8;
      const compressed = Number(extra.readBigUInt64LE(field));
      const offset = field + 16 <= position + 4 + size ? Number(extra.readBigUInt64LE(field + 8)) : 0xffffffff;
      return { compressed, offset };
    }
    position += 4 + size;
  }
  return { compressed: 0xffffffff, offset: 0xffffffff };
}
