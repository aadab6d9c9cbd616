/**
 * Dequantization throughput, single thread: for each type, ~64 MB of blocks decoded in 1 MB chunks into
 * a reused Float32Array; prints MB/s of INPUT bytes (best of a few passes).
 * Run: node --import tsx bench/dequant.ts [TYPE ...]
 *
 * Blocks are realistic: types with a quantizer get 1 MB of quantized random normals, tiled; the others
 * get random bytes with their scale fields set to ordinary values (so no run is slowed by NaNs or
 * subnormals).
 */
import { dtypeInfo, type Dtype } from "../src/model/dtype.js";
import { QUANT_KERNELS, type QuantDtype } from "../src/numeric/quants/index.js";
import { f32ToBf16, f32ToF16 } from "../src/numeric/half.js";

const TOTAL = 64 << 20;
const CHUNK = 1 << 20;
const PASSES = 5;

let seed = 12345;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}
function normal(): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** f16 scale fields (byte offsets in the block) of the types without a quantizer. */
const F16_FIELDS: Partial<Record<QuantDtype, number[]>> = {
  IQ2_XXS: [0], IQ2_XS: [0], IQ2_S: [0], IQ3_XXS: [0], IQ3_S: [0], IQ1_S: [0],
};

function makeBlocks(name: Dtype): { bytes: Uint8Array; blockBytes: number; blockSize: number } {
  const info = dtypeInfo(name);
  const total = Math.floor(TOTAL / info.blockBytes) * info.blockBytes;
  const bytes = new Uint8Array(total);
  const kernel = QUANT_KERNELS[name as QuantDtype] as (typeof QUANT_KERNELS)[QuantDtype] | undefined;
  if (name === "F16" || name === "BF16") {
    for (let i = 0; i < total; i += 2) {
      const h = name === "F16" ? f32ToF16(normal() * 0.02) : f32ToBf16(normal() * 0.02);
      bytes[i] = h & 0xff;
      bytes[i + 1] = h >> 8;
    }
  } else if (kernel?.quantize) {
    const nb = Math.floor((1 << 20) / info.blockBytes);
    const x = new Float32Array(nb * info.blockSize);
    for (let i = 0; i < x.length; i++) x[i] = normal() * 0.02;
    const tile = new Uint8Array(nb * info.blockBytes);
    kernel.quantize(x, tile, nb);
    for (let o = 0; o < total; o += tile.length) bytes.set(tile.subarray(0, Math.min(tile.length, total - o)), o);
  } else {
    for (let i = 0; i < total; i++) bytes[i] = (rand() * 256) | 0;
    for (let o = 0; o < total; o += info.blockBytes) {
      for (const f of F16_FIELDS[name as QuantDtype] ?? []) {
        bytes[o + f] = 0x00;
        bytes[o + f + 1] = 0x1c; // 2^-8
      }
      if (name === "IQ1_M") for (let k = 0; k < 4; k++) bytes[o + 49 + 2 * k] = (bytes[o + 49 + 2 * k] as number) & 0x0f | (k === 3 ? 0x10 : 0);
      if (name === "Q8_1") {
        bytes[o] = 0x00;
        bytes[o + 1] = 0x1c;
      }
      if (name === "Q8_K") new DataView(bytes.buffer, o, 4).setFloat32(0, 1e-3, true);
    }
  }
  return { bytes, blockBytes: info.blockBytes, blockSize: info.blockSize };
}

function bench(name: Dtype): number {
  const info = dtypeInfo(name);
  const { bytes, blockBytes, blockSize } = makeBlocks(name);
  const blocksPerChunk = Math.floor(CHUNK / blockBytes);
  const out = new Float32Array(blocksPerChunk * blockSize);
  let best = Infinity;
  for (let p = 0; p < PASSES; p++) {
    const t0 = process.hrtime.bigint();
    for (let o = 0; o < bytes.length; o += blocksPerChunk * blockBytes) {
      const n = Math.min(blocksPerChunk, (bytes.length - o) / blockBytes);
      info.decode(bytes.subarray(o, o + n * blockBytes), out, n);
    }
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.min(best, dt);
  }
  return bytes.length / 1e6 / best;
}

const all: Dtype[] = ["F16", "BF16", ...(Object.keys(QUANT_KERNELS) as QuantDtype[])];
const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? all.filter((n) => wanted.includes(n)) : all;
for (const name of names) {
  const mbps = bench(name);
  console.log(`${name.padEnd(8)} ${mbps.toFixed(0).padStart(6)} MB/s of input`);
}
