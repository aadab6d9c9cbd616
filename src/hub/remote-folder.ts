/**
 * @module hub/remote-folder
 * The reading side of a hub repository, in a worker thread: the format readers are synchronous, so a
 * RemoteSource read posts {file, offset, length} to the thread that fetches, and waits on a shared
 * flag (Atomics.wait) until the bytes are in shared memory. Reads larger than the channel go in pieces.
 *
 * Channel: `ctl` Int32Array [state, length, failed]; state 0 idle, 1 asked, 2 answered. An answer
 * with `failed` set carries a JSON error {code, message, file} instead of bytes.
 */
import type { MessagePort } from "node:worker_threads";
import { BadInputError, PedigreeError, type ErrorCode } from "../errors.js";
import { checkRange, WindowSource, type ByteSource } from "../io/byte-source.js";
import type { Folder } from "../io/folder.js";

export interface ChannelMemory {
  ctl: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

export interface ReadRequest {
  type: "read";
  file: string;
  offset: number;
  length: number;
}

export interface RemoteFileInfo {
  name: string;
  size: number;
}

export const ASKED = 1;
export const ANSWERED = 2;

export class SyncChannel {
  private readonly ctl: Int32Array;
  private readonly data: Uint8Array;

  constructor(
    mem: ChannelMemory,
    private readonly port: MessagePort,
  ) {
    this.ctl = new Int32Array(mem.ctl);
    this.data = new Uint8Array(mem.data);
  }

  read(file: string, offset: number, target: Uint8Array): void {
    for (let done = 0; done < target.length; ) {
      const n = Math.min(this.data.length, target.length - done);
      Atomics.store(this.ctl, 0, ASKED);
      this.port.postMessage({ type: "read", file, offset: offset + done, length: n } satisfies ReadRequest);
      Atomics.wait(this.ctl, 0, ASKED);
      const len = Atomics.load(this.ctl, 1);
      if (Atomics.load(this.ctl, 2) !== 0) {
        const e = JSON.parse(Buffer.from(this.data.subarray(0, len)).toString("utf8")) as { code: ErrorCode; message: string; file?: string };
        Atomics.store(this.ctl, 0, 0);
        throw new PedigreeError(e.code, e.message, e.file);
      }
      target.set(this.data.subarray(0, n), done);
      Atomics.store(this.ctl, 0, 0);
      done += n;
    }
  }
}

export class RemoteSource implements ByteSource {
  constructor(
    private readonly channel: SyncChannel,
    private readonly name: string,
    readonly size: number,
    readonly path: string,
  ) {}
  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    const out = new Uint8Array(length);
    this.channel.read(this.name, offset, out);
    return out;
  }
  readInto(offset: number, target: Uint8Array): void {
    checkRange(this, offset, target.length);
    this.channel.read(this.name, offset, target);
  }
  slice(offset: number, length: number, path?: string): ByteSource {
    if (offset < 0 || length < 0 || offset + length > this.size) throw new BadInputError(this.path, `window ${offset}+${length} past the end (${this.size})`);
    return new WindowSource(this, offset, length, path ?? this.path);
  }
  close(): void {}
}

/** A hub repository's top-level files as a Folder (sub-folders are not part of a model folder). */
export class RemoteFolder implements Folder {
  private readonly files: Map<string, RemoteFileInfo>;
  /** Files opened, by name: what the fingerprint read from. */
  readonly opened = new Set<string>();

  constructor(
    readonly path: string,
    files: RemoteFileInfo[],
    private readonly channel: SyncChannel,
  ) {
    this.files = new Map(files.filter((f) => !f.name.includes("/")).map((f) => [f.name, f]));
  }
  names(): string[] {
    return [...this.files.keys()];
  }
  where(name: string): string {
    return `${this.path}/${name}`;
  }
  open(name: string): ByteSource {
    const f = this.files.get(name);
    if (!f) throw new PedigreeError("not-found", "no such file in the repository", this.where(name));
    this.opened.add(name);
    return new RemoteSource(this.channel, name, f.size, this.where(name));
  }
}
