/**
 * @module model/canonical
 * The canonical view of a model: every weight under a role-based key, in one layout (Hugging Face's),
 * fused and stacked tensors split, whatever format and naming it was stored in. Everything after the
 * readers (evidence, forge, run) sees only this.
 */
import { check, q } from "../errors.js";
import { CanonicalTensor } from "./canonical-tensor.js";
import type { HyperParams } from "./hyper-params.js";
import { inferParams } from "./infer-params.js";
import { isIgnored, matchName, type NameMatch } from "./name-rules.js";
import { metaToHfRowPerm } from "./qk-layout.js";
import { compareKeys, parseKey } from "./roles.js";
import { concatRows, entryRows, flatRow, permuteCols, permuteRows, transposeRows, type RowSource } from "./row-source.js";
import type { TensorEntry } from "./tensor.js";
import type { Declared, FormatName, TokenList, WeightSet } from "./weight-set.js";

export interface CanonicalModel {
  path: string;
  format: FormatName;
  files: string[];
  architecture: string;
  params: HyperParams;
  /** Canonical key -> tensor, in model order (embed, layers, final norm, head, others). */
  tensors: Map<string, CanonicalTensor>;
  tokens?: TokenList;
  declared: Declared;
  metadata: Record<string, unknown>;
  /** File tensors left out (buffers, rotary tables). */
  ignored: string[];
  /** How the view was built where it had to guess or convert. */
  notes: string[];
  /** The file tensors, as stored. */
  entries: TensorEntry[];
  close(): void;
}

function dtypeLabel(t: TensorEntry): string {
  return t.decoder?.label ?? t.dtype;
}

function sourceOf(t: TensorEntry): RowSource {
  return t.shape.length <= 1 ? flatRow(t) : entryRows(t);
}

interface Pending {
  key: string;
  origin: string;
  dtype: string;
  src: RowSource;
}

/** Build the canonical view of a weight set (does not read tensor data). */
export function canonicalize(ws: WeightSet): CanonicalModel {
  const notes: string[] = [];
  const ignored: string[] = [];
  const pending: Pending[] = [];
  const headParts = new Map<string, Array<{ part: number; t: TensorEntry }>>();
  const fused: Array<{ m: NameMatch; t: TensorEntry }> = [];
  const names = ws.tensors.map((t) => t.name);
  const gemmaStyle = names.some((n) => n.includes("pre_feedforward_layernorm"));
  const conv1d = ws.tensors.some((t) => /attn\.c_attn\.weight$/.test(t.name) && t.shape.length === 2 && t.shape[1] === 3 * (t.shape[0] as number));

  for (const t of ws.tensors) {
    if (isIgnored(t.name)) {
      ignored.push(t.name);
      continue;
    }
    let m = matchName(t.name);
    if (!m) {
      pending.push({ key: `other.${t.name}`, origin: t.name, dtype: dtypeLabel(t), src: sourceOf(t) });
      continue;
    }
    if (gemmaStyle && /post_attention_layernorm/.test(t.name)) m = { ...m, key: m.key.replace("mlp_norm", "post_attn_norm") };
    switch (m.kind) {
      case "plain":
        pending.push({ key: m.key, origin: t.name, dtype: dtypeLabel(t), src: sourceOf(t) });
        break;
      case "conv1d": {
        const transpose = conv1d && t.shape.length === 2;
        pending.push({ key: m.key, origin: t.name, dtype: dtypeLabel(t), src: transpose ? transposeRows(entryRows(t)) : sourceOf(t) });
        break;
      }
      case "head-part": {
        const list = headParts.get(m.key) ?? [];
        list.push({ part: m.part, t });
        headParts.set(m.key, list);
        break;
      }
      case "stacked-experts": {
        const [E, rows] = [t.shape[0] as number, t.shape[1] as number];
        for (let e = 0; e < E; e++) {
          pending.push({ key: m.key.replace("*", String(e)), origin: `${t.name}[${e}]`, dtype: dtypeLabel(t), src: entryRows(t, e * rows, rows) });
        }
        break;
      }
      case "fused-qkv":
      case "fused-gate-up":
        fused.push({ m, t });
        break;
    }
  }
  for (const [key, parts] of headParts) {
    parts.sort((a, b) => a.part - b.part);
    const first = parts[0]?.t as TensorEntry;
    pending.push({ key, origin: `${first.name} (+${parts.length - 1} heads)`, dtype: dtypeLabel(first), src: concatRows(parts.map((p) => entryRows(p.t))) });
  }

  // Hyper-parameters decide how fused tensors split, so infer them from what is unfused first.
  const provisional = new Map<string, CanonicalTensor>();
  for (const p of pending) provisional.set(p.key, new CanonicalTensor(p.key, shapeOf(p.src), p.dtype, p.origin, p.src));
  for (const { m, t } of fused) splitFused(m, t, ws, conv1d, pending, provisional);
  const params = inferParams(ws.params, provisional, notes);

  const tensors = new Map<string, CanonicalTensor>();
  for (const p of pending.sort((a, b) => compareKeys(a.key, b.key))) {
    const src = ws.qkLayout === "meta" ? toHfLayout(p, params) : p.src;
    tensors.set(p.key, new CanonicalTensor(p.key, shapeOf(src), p.dtype, p.origin, src));
  }
  if (ws.qkLayout === "meta") notes.push("Q/K rows converted from Meta's interleaved rotary layout to Hugging Face's");

  return {
    path: ws.path, format: ws.format, files: ws.files, architecture: ws.architecture ?? params.block, params, tensors,
    tokens: ws.tokens, declared: ws.declared, metadata: ws.metadata, ignored, notes, entries: ws.tensors,
    close: () => ws.close(),
  };
}

function shapeOf(src: RowSource): number[] {
  return src.vector ? [src.cols] : [src.rows, src.cols];
}

function splitFused(m: NameMatch, t: TensorEntry, ws: WeightSet, conv1d: boolean, pending: Pending[], provisional: Map<string, CanonicalTensor>): void {
  const isVec = t.shape.length === 1;
  let whole: RowSource = isVec ? flatRow(t) : entryRows(t);
  if (conv1d && !isVec && m.kind === "fused-qkv" && t.shape[1] === 3 * (t.shape[0] as number)) whole = transposeRows(whole);
  const total = isVec ? whole.cols : whole.rows;
  const base = m.key.replace(/\.(qkv|gate_up)(\.bias)?$/, "");
  const bias = m.key.endsWith(".bias") ? ".bias" : "";
  let parts: Array<[string, number]>;
  if (m.kind === "fused-gate-up") {
    parts = [["gate", total / 2], ["up", total / 2]];
  } else {
    const dim = ws.params.dim ?? (isVec ? total / 3 : whole.cols);
    const nHeads = ws.params.nHeads ?? 0;
    const nKv = ws.params.nKvHeads ?? nHeads;
    const hd = ws.params.headDim ?? (nHeads ? dim / nHeads : 0);
    const qRows = nHeads && hd ? nHeads * hd : total / 3;
    const kvRows = nHeads && hd ? nKv * hd : total / 3;
    parts = [["q", qRows], ["k", kvRows], ["v", kvRows]];
    // Declared heads that do not tile the fused rows are a lie (or a misread): split in thirds, or refuse.
    if (!Number.isInteger(qRows) || !Number.isInteger(kvRows) || qRows <= 0 || kvRows <= 0 || qRows + 2 * kvRows !== total) {
      check(total % 3 === 0, t.source.path, `tensor ${q(t.name)}: ${total} fused Q/K/V rows do not split by the declared heads`);
      parts = [["q", total / 3], ["k", total / 3], ["v", total / 3]];
    }
  }
  let start = 0;
  for (const [role, rows] of parts) {
    const key = `${base}.${role}${bias}`;
    const src = isVec ? sliceVector(whole, start, rows) : sliceRows(whole, start, rows);
    pending.push({ key, origin: `${t.name}[${start}:${start + rows}]`, dtype: dtypeLabel(t), src });
    provisional.set(key, new CanonicalTensor(key, isVec ? [rows] : [rows, whole.cols], dtypeLabel(t), t.name, src));
    start += rows;
  }
}

function sliceRows(src: RowSource, start: number, rows: number): RowSource {
  return { rows, cols: src.cols, read: (r0, n, out) => src.read(start + r0, n, out) };
}

function sliceVector(src: RowSource, start: number, len: number): RowSource {
  return {
    rows: 1,
    cols: len,
    vector: true,
    read(_r0, _n, o) {
      const all = new Float32Array(src.cols);
      src.read(0, 1, all);
      o.set(all.subarray(start, start + len));
    },
  };
}

/** Undo Meta's interleaved rotary row order for Q and K (and their biases). */
function toHfLayout(p: Pending, params: HyperParams): RowSource {
  const k = parseKey(p.key);
  if (k.role !== "attn.q" && k.role !== "attn.k") return p.src;
  const heads = k.role === "attn.q" ? params.nHeads : params.nKvHeads;
  const n = k.bias ? p.src.cols : p.src.rows;
  if (!heads || n % heads !== 0 || (n / heads) % 2 !== 0) return p.src;
  const perm = metaToHfRowPerm(heads, n / heads);
  return k.bias ? permuteCols(p.src, perm) : permuteRows(p.src, perm);
}
