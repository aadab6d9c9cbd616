/**
 * @module behaviour/stored
 * A behavioural fingerprint as bytes: a model's top-16 next-token log-probabilities on the built-in
 * probe set, stored with its registration (the `behaviour` fingerprint part) so that `scan
 * --behaviour` needs only the suspect's forward passes, and a closed model can be checked without
 * its weights leaving its owner.
 *
 * Layout (little-endian): "PBHV", u8 layout version (1), u8 k, u16 probe-version length, the
 * version's UTF-8 bytes, u32 vocabulary size, u32 forward-pass tokens, f32 seconds, u16 texts; then
 * per text u16 positions P, P token ids (u24), P floors (u8), P x k ids (u24), P x k log-probabilities
 * (u8). A log-probability l is stored as round(-l * 8) clamped to 0..255 (1/8 nat steps down to
 * -31.9 nats; the test compares differences of a few nats). Size: at most 30 texts x 128 positions x
 * (4 k + 4) bytes = 255 KiB with k = 16.
 *
 * Layout 2 is layout 1 (with 2 in its version byte) followed by u32 n and n bytes: the text-level
 * view of the same forward passes (text-level.ts; a layout-1 blob whose "token ids" are the boundary
 * offsets, only the positions where a token ends in the text, and whose ids are code points), so a
 * suspect with another tokenizer can be compared with the stored model. At most 510 KiB.
 */
import { BadInputError } from "../errors.js";
import type { CanonicalModel } from "../model/canonical.js";
import { builtinProbes } from "./probes.js";
import { recordBehaviour, type BehaviourRecord, type ProbeRecord } from "./record.js";

/** Log-probabilities kept per position in a stored behavioural fingerprint (the test compares A's top 16). */
export const STORED_TOP_K = 16;
const MAGIC = [0x50, 0x42, 0x48, 0x56];
const LAYOUT = 1;
const LAYOUT_WITH_TEXT = 2;
const STEP = 8;

const q8 = (l: number): number => Math.max(0, Math.min(255, Math.round(-l * STEP)));

/** The floor of position i when only the first k of the record's r.k tokens are kept (record.ts's rule). */
function floorOf(p: ProbeRecord, r: BehaviourRecord, i: number, k: number): number {
  let mass = 0;
  for (let j = 0; j < k; j++) mass += Math.exp(p.logp[i * r.k + j] as number);
  const rest = r.vocabSize > k ? Math.log(Math.max(1 - mass, 1e-30) / (r.vocabSize - k)) : -Infinity;
  return Math.min(rest, p.logp[i * r.k + k - 1] as number);
}

/** The text view's positions where a token ends in the text (offsets >= 0): the only ones compared. */
function boundariesOnly(t: BehaviourRecord): BehaviourRecord {
  return {
    ...t,
    probes: t.probes.map((p) => {
      const keep = Array.from(p.tokens).flatMap((o, i) => (o >= 0 ? [i] : []));
      const out: ProbeRecord = { tokens: new Int32Array(keep.length), ids: new Int32Array(keep.length * t.k), logp: new Float32Array(keep.length * t.k), floor: new Float32Array(keep.length) };
      keep.forEach((i, n) => {
        out.tokens[n] = p.tokens[i] as number;
        out.floor[n] = p.floor[i] as number;
        out.ids.set(p.ids.subarray(i * t.k, (i + 1) * t.k), n * t.k);
        out.logp.set(p.logp.subarray(i * t.k, (i + 1) * t.k), n * t.k);
      });
      return out;
    }),
  };
}

/** Encodes a record (its first STORED_TOP_K log-probabilities per position), with its text view when it has one. */
export function encodeBehaviour(r: BehaviourRecord): Uint8Array {
  const body = encodeBody(r, r.text ? LAYOUT_WITH_TEXT : LAYOUT);
  if (!r.text) return body;
  const text = encodeBody(boundariesOnly(r.text), LAYOUT);
  const out = new Uint8Array(body.length + 4 + text.length);
  out.set(body, 0);
  new DataView(out.buffer).setUint32(body.length, text.length, true);
  out.set(text, body.length + 4);
  return out;
}

function encodeBody(r: BehaviourRecord, layout: number): Uint8Array {
  const k = Math.min(STORED_TOP_K, r.k);
  const version = new TextEncoder().encode(r.probesVersion);
  let size = 4 + 1 + 1 + 2 + version.length + 4 + 4 + 4 + 2;
  for (const p of r.probes) size += 2 + p.tokens.length * (3 + 1 + 4 * k);
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  buf.set(MAGIC, 0);
  let o = 4;
  buf[o++] = layout;
  buf[o++] = k;
  dv.setUint16(o, version.length, true);
  o += 2;
  buf.set(version, o);
  o += version.length;
  dv.setUint32(o, r.vocabSize, true);
  dv.setUint32(o + 4, r.tokens, true);
  dv.setFloat32(o + 8, r.seconds, true);
  dv.setUint16(o + 12, r.probes.length, true);
  o += 14;
  const u24 = (v: number) => {
    buf[o++] = v & 0xff;
    buf[o++] = (v >>> 8) & 0xff;
    buf[o++] = (v >>> 16) & 0xff;
  };
  for (const p of r.probes) {
    const P = p.tokens.length;
    dv.setUint16(o, P, true);
    o += 2;
    for (let i = 0; i < P; i++) u24(p.tokens[i] as number);
    for (let i = 0; i < P; i++) buf[o++] = q8(k === r.k ? (p.floor[i] as number) : floorOf(p, r, i, k));
    for (let i = 0; i < P; i++) for (let j = 0; j < k; j++) u24(p.ids[i * r.k + j] as number);
    for (let i = 0; i < P; i++) for (let j = 0; j < k; j++) buf[o++] = q8(p.logp[i * r.k + j] as number);
  }
  return buf;
}

/** Decodes a stored behavioural fingerprint (a layout this pedigree does not know is a BadInputError). */
export function decodeBehaviour(bytes: Uint8Array, what = "<behaviour>"): BehaviourRecord {
  const bad = (m: string) => new BadInputError(what, `behavioural fingerprint: ${m}`);
  const { record, end } = decodeBody(bytes, what, true);
  if (bytes[4] !== LAYOUT_WITH_TEXT) {
    if (end !== bytes.length) throw bad(`${bytes.length - end} bytes left over`);
    return record;
  }
  if (end + 4 > bytes.length) throw bad("truncated");
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(end, true);
  if (end + 4 + n !== bytes.length) throw bad("its text view's length does not match");
  const text = decodeBody(bytes.subarray(end + 4), what, false);
  if (text.end !== n) throw bad(`${n - text.end} bytes left over in its text view`);
  return { ...record, text: text.record };
}

/** One layout-1 body from the start of `bytes` (layout 2's outer header when `outer`): the record and where it ends. */
function decodeBody(bytes: Uint8Array, what: string, outer: boolean): { record: BehaviourRecord; end: number } {
  const bad = (m: string) => new BadInputError(what, `behavioural fingerprint: ${m}`);
  if (bytes.length < 22 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad("not a pedigree behavioural fingerprint");
  const known = outer ? [LAYOUT, LAYOUT_WITH_TEXT] : [LAYOUT];
  if (!known.includes(bytes[4] as number)) throw bad(`layout ${bytes[4]} is ${outer ? "newer than this pedigree reads" : "not a text view's"} (${known.join(" or ")})`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const k = bytes[5] as number;
  let o = 6;
  const vlen = dv.getUint16(o, true);
  o += 2;
  if (o + vlen + 14 > bytes.length) throw bad("truncated");
  const probesVersion = new TextDecoder().decode(bytes.subarray(o, o + vlen));
  o += vlen;
  const vocabSize = dv.getUint32(o, true);
  const tokens = dv.getUint32(o + 4, true);
  const seconds = dv.getFloat32(o + 8, true);
  const n = dv.getUint16(o + 12, true);
  o += 14;
  const u24 = () => {
    const v = (bytes[o] as number) | ((bytes[o + 1] as number) << 8) | ((bytes[o + 2] as number) << 16);
    o += 3;
    return v;
  };
  const probes: ProbeRecord[] = [];
  for (let t = 0; t < n; t++) {
    if (o + 2 > bytes.length) throw bad("truncated");
    const P = dv.getUint16(o, true);
    o += 2;
    if (o + P * (4 + 4 * k) > bytes.length) throw bad("truncated");
    const rec: ProbeRecord = { tokens: new Int32Array(P), ids: new Int32Array(P * k), logp: new Float32Array(P * k), floor: new Float32Array(P) };
    for (let i = 0; i < P; i++) rec.tokens[i] = u24();
    for (let i = 0; i < P; i++) rec.floor[i] = -(bytes[o++] as number) / STEP;
    for (let i = 0; i < P * k; i++) rec.ids[i] = u24();
    for (let i = 0; i < P * k; i++) rec.logp[i] = -(bytes[o++] as number) / STEP;
    probes.push(rec);
  }
  return { record: { probesVersion, vocabSize, k, probes, tokens, seconds }, end: o };
}

/** A model's behavioural fingerprint: its forward passes on the built-in probes, top STORED_TOP_K, with the text view. */
export function storedBehaviour(model: CanonicalModel, onProbe?: (done: number, total: number) => void): Uint8Array {
  return encodeBehaviour(recordBehaviour(model, builtinProbes(), { k: STORED_TOP_K, text: true, onProbe }));
}

/** The model's record as a stored one reads back (the storage's rounding): compared exactly as the registered ones are. */
export function asStored(model: CanonicalModel, onProbe?: (done: number, total: number) => void): BehaviourRecord {
  return decodeBehaviour(storedBehaviour(model, onProbe));
}
