/**
 * @module hub/range-cache
 * The fetching side of a remote file: reads served from ranges fetched before, misses fetched with
 * one Range request each. A read that continues where the last one ended is sequential (a layer's
 * gate and up rows streamed in chunks): its fetch reads ahead, doubling up to MAX_FETCH_BYTES, so a
 * 180 MB matrix costs about a dozen requests; a read elsewhere fetches just what it asks (rounded to
 * 16 KiB), so scattered rows (anchor tokens' embeddings) do not pull whole blocks.
 */
import { fetchRange, type HttpOptions } from "./http.js";
import { CACHE_BYTES, MAX_FETCH_BYTES } from "./limits.js";

const MIN_FETCH = 16 << 10;

interface Extent {
  start: number;
  bytes: Uint8Array;
}

export class RangeCache {
  private extents: Extent[] = [];
  private held = 0;
  /** Where the last fetch ended, and how far the next sequential one reads. */
  private lastEnd = -1;
  private ahead = MIN_FETCH;

  constructor(
    readonly url: string,
    readonly size: number,
    private readonly http: HttpOptions,
  ) {}

  /** Bytes [offset, offset + length) into `out` (length <= MAX_FETCH_BYTES). */
  async read(offset: number, out: Uint8Array): Promise<void> {
    const length = out.length;
    const hit = this.extents.find((e) => e.start <= offset && offset + length <= e.start + e.bytes.length);
    if (hit) {
      out.set(hit.bytes.subarray(offset - hit.start, offset - hit.start + length));
      return;
    }
    const sequential = this.lastEnd >= 0 && offset >= this.lastEnd - MAX_FETCH_BYTES && offset <= this.lastEnd;
    this.ahead = sequential ? Math.min(MAX_FETCH_BYTES, this.ahead * 2) : MIN_FETCH;
    const want = Math.max(length, this.ahead, MIN_FETCH);
    const end = Math.min(this.size, offset + Math.ceil(want / MIN_FETCH) * MIN_FETCH);
    const bytes = await fetchRange(this.url, offset, end - offset, this.size, this.http);
    this.lastEnd = end;
    out.set(bytes.subarray(0, length));
    this.keep({ start: offset, bytes });
  }

  private keep(e: Extent): void {
    this.extents.push(e);
    this.held += e.bytes.length;
    while (this.held > CACHE_BYTES && this.extents.length > 1) {
      const old = this.extents.shift() as Extent;
      this.held -= old.bytes.length;
    }
  }
}
