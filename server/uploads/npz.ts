/**
 * Streaming reader of `.npz` files (ZIP archives of `.npy` files, stored or
 * deflated, as numpy.savez and numpy.savez_compressed write them). Members
 * are read from their local headers in archive order and handed on as they
 * arrive, so the archive is never held in memory. The central directory at
 * the end is not needed and is skipped.
 */
import { once } from 'node:events';
import zlib from 'node:zlib';
import { UploadError } from './errors.ts';

const LOCAL_HEADER = 0x04034b50;
const DIRECTORY_ENTRY = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const LOCAL_HEADER_BYTES = 30;

/** Receives the `.npy` bytes of one member. */
export interface NpzMemberSink {
  write(bytes: Buffer): Promise<void> | void;
  end(): Promise<void> | void;
}

/** Opens the sink of each member by its name without `.npy`; null skips the member. */
export type NpzMemberOpener = (name: string) => NpzMemberSink | null;

function invalid(what: string): UploadError {
  return new UploadError('INVALID_NPZ', `Invalid .npz file: ${what}; expected a ZIP archive written by numpy.savez or numpy.savez_compressed.`);
}

/** Inflates one deflated member into its sink, waiting for the sink so inflated data never piles up. */
class MemberInflater {
  private readonly stream = zlib.createInflateRaw();
  private readonly pump: Promise<void>;

  constructor(
    private readonly name: string,
    sink: NpzMemberSink,
    countBytes: (count: number) => void,
  ) {
    // Errors surface through `pump`; this listener only keeps a late one from being unhandled.
    this.stream.on('error', () => {});
    this.pump = (async () => {
      for await (const inflated of this.stream as AsyncIterable<Buffer>) {
        countBytes(inflated.length);
        await sink.write(inflated);
      }
    })();
    this.pump.catch(() => {});
  }

  async write(bytes: Buffer): Promise<void> {
    if (!this.stream.write(bytes)) await Promise.race([once(this.stream, 'drain'), this.pump]);
  }

  async end(): Promise<void> {
    this.stream.end();
    try {
      await this.pump;
    } catch (error) {
      if (error instanceof UploadError) throw error;
      throw invalid(`member ${JSON.stringify(this.name)} does not inflate (${(error as Error).message})`);
    }
  }
}

/** One member being read: what is left of its compressed bytes and where they go. */
interface OpenMember {
  name: string;
  remaining: number;
  sink: NpzMemberSink | null;
  inflater: MemberInflater | null;
}

/** Parses an `.npz` archive from chunks pushed in as they arrive. */
export class NpzStreamReader {
  private pending: Buffer = Buffer.alloc(0);
  private member: OpenMember | null = null;
  private done = false;
  private totalBytes = 0;
  private inflatedBytes = 0;
  /** Names of the members seen so far, for messages. */
  readonly names: string[] = [];

  constructor(
    private readonly open: NpzMemberOpener,
    /** Maximum bytes of all members after inflating. */
    private readonly maxInflatedBytes: number,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    this.totalBytes += chunk.length;
    let rest: Buffer = chunk;
    while (rest.length > 0 && !this.done) {
      if (this.member === null) {
        this.pending = this.pending.length === 0 ? rest : Buffer.concat([this.pending, rest]);
        rest = Buffer.alloc(0);
        const after = this.readHeader();
        if (after === null) return;
        rest = after;
        // Reassigned by readHeader, which the type checker cannot see.
        const opened = this.member as OpenMember | null;
        if (opened?.remaining === 0) await this.feed(Buffer.alloc(0));
        continue;
      }
      const take = Math.min(rest.length, this.member.remaining);
      await this.feed(rest.subarray(0, take));
      rest = rest.subarray(take);
    }
  }

  /** Ends the archive; every member must be complete. */
  async end(): Promise<void> {
    if (this.totalBytes === 0) throw new UploadError('EMPTY_FILE', 'Invalid .npz file: it is empty.');
    if (this.member !== null) throw invalid(`member ${JSON.stringify(this.member.name)} is truncated`);
    if (!this.done) throw invalid('it ends inside a local file header, before the central directory');
  }

  private async feed(bytes: Buffer): Promise<void> {
    const member = this.member!;
    member.remaining -= bytes.length;
    if (member.inflater !== null) await member.inflater.write(bytes);
    else if (member.sink !== null) {
      this.countInflated(bytes.length);
      await member.sink.write(bytes);
    }
    if (member.remaining === 0) {
      this.member = null;
      if (member.inflater !== null) await member.inflater.end();
      await member.sink?.end();
    }
  }

  private countInflated(bytes: number): void {
    this.inflatedBytes += bytes;
    if (this.inflatedBytes > this.maxInflatedBytes) {
      throw new UploadError('FILE_TOO_LARGE', `Invalid .npz file: its members are larger than ${this.maxInflatedBytes} bytes after inflating (the ROBUSTLAB_UPLOAD_MAX_BYTES limit applies to the inflated arrays too).`);
    }
  }

  /** Parses the local header at the start of `pending`; returns the bytes after it, or null when more bytes are needed. */
  private readHeader(): Buffer | null {
    const bytes = this.pending;
    if (bytes.length < 4) return null;
    const signature = bytes.readUInt32LE(0);
    if (signature === DIRECTORY_ENTRY || signature === END_OF_DIRECTORY) {
      if (this.names.length === 0) throw invalid('it has no members');
      this.done = true;
      return Buffer.alloc(0);
    }
    if (signature !== LOCAL_HEADER) {
      throw invalid(this.names.length === 0 ? 'it does not start with a ZIP local file header' : `the data after member ${JSON.stringify(this.names.at(-1))} is not a ZIP local file header`);
    }
    if (bytes.length < LOCAL_HEADER_BYTES) return null;
    const nameLength = bytes.readUInt16LE(26);
    const extraLength = bytes.readUInt16LE(28);
    const end = LOCAL_HEADER_BYTES + nameLength + extraLength;
    if (bytes.length < end) return null;

    const flags = bytes.readUInt16LE(6);
    const method = bytes.readUInt16LE(8);
    const fileName = bytes.subarray(LOCAL_HEADER_BYTES, LOCAL_HEADER_BYTES + nameLength).toString('utf8');
    let compressedSize = bytes.readUInt32LE(18);
    if (compressedSize === 0xffffffff) compressedSize = readZip64CompressedSize(bytes.subarray(LOCAL_HEADER_BYTES + nameLength, end), bytes.readUInt32LE(22) === 0xffffffff, fileName);
    if (flags & 0x1) throw invalid(`member ${JSON.stringify(fileName)} is encrypted`);
    // Bit 3: the sizes follow the data, which only writers to unseekable streams do; numpy.savez writes them in the header.
    if (flags & 0x8) throw invalid(`member ${JSON.stringify(fileName)} has its sizes after the data (a ZIP data descriptor), which this reader does not support`);
    if (method !== 0 && method !== 8) throw invalid(`member ${JSON.stringify(fileName)} uses compression method ${method}; expected stored (0) or deflated (8)`);

    const name = fileName.replace(/\.npy$/, '');
    this.names.push(name);
    const sink = this.open(name);
    this.member = {
      name,
      remaining: compressedSize,
      sink,
      inflater: sink !== null && method === 8 ? new MemberInflater(name, sink, (count) => this.countInflated(count)) : null,
    };
    this.pending = Buffer.alloc(0);
    return bytes.subarray(end);
  }
}

/** Reads the compressed size from the ZIP64 extra field of a local header (uncompressed size first, then compressed size). */
function readZip64CompressedSize(extra: Buffer, hasUncompressed: boolean, fileName: string): number {
  for (let position = 0; position + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(position);
    const size = extra.readUInt16LE(position + 2);
    if (id === 1) {
      const field = position + 4 + (hasUncompressed ? 8 : 0);
      if (field + 8 > position + 4 + size) break;
      return Number(extra.readBigUInt64LE(field));
    }
    position += 4 + size;
  }
  throw invalid(`member ${JSON.stringify(fileName)} has no ZIP64 size field`);
}
