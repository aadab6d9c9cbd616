/**
 * @module formats/export/llama2c
 * Write a draft as a legacy (v0) llama2.c checkpoint, as export.py's legacy_export does: 7 x int32
 * header (negative vocab_size = separate classifier), float32 arrays in run.c's order, Q/K rows in
 * Meta's layout, and the RoPE cos/sin tables run.c skips over.
 */
import { PedigreeError } from "../../errors.js";
import { writeAtomically } from "../../io/atomic-file.js";
import type { DraftTensor, ModelDraft } from "../../model/draft.js";
import { hfToMetaRowPerm } from "../../model/qk-layout.js";
import type { Vocabulary } from "../tokenizer/vocabulary.js";
import { permutedRows } from "./values.js";

export function writeLlama2c(d: ModelDraft, path: string): void {
  const p = d.params;
  if (p.block !== "llama" || p.nExperts > 0) throw new PedigreeError("unsupported", "llama2.c holds dense llama-family models only");
  if (p.headDim * p.nHeads !== p.dim) throw new PedigreeError("unsupported", "llama2.c needs head_dim x n_heads = dim");
  const by = new Map(d.tensors.map((t) => [t.key, t]));
  const get = (k: string): DraftTensor => {
    const t = by.get(k);
    if (!t) throw new PedigreeError("unsupported", `llama2.c export needs tensor ${k}`);
    return t;
  };
  const untied = by.has("head") && !p.tiedEmbeddings;
  const f32 = (c: Float32Array) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
  writeAtomically(path, (f) => {
    const h = new Int32Array([p.dim, p.ffn, p.nLayers, p.nHeads, p.nKvHeads, untied ? -p.vocab : p.vocab, p.ctx || 512]);
    f.write(new Uint8Array(h.buffer));
    const put = (t: DraftTensor, chunks?: Iterable<Float32Array>) => {
      for (const c of chunks ?? t.chunks()) f.write(f32(c));
    };
    const perLayer = (role: string) => {
      for (let l = 0; l < p.nLayers; l++) {
        const t = get(`layers.${l}.${role}`);
        if (role === "attn.q" || role === "attn.k") {
          const heads = role === "attn.q" ? p.nHeads : p.nKvHeads;
          put(t, permutedRows(t, hfToMetaRowPerm(heads, p.headDim)));
        } else put(t);
      }
    };
    put(get("embed"));
    perLayer("attn_norm");
    for (const r of ["attn.q", "attn.k", "attn.v", "attn.o"]) perLayer(r);
    perLayer("mlp_norm");
    for (const r of ["mlp.gate", "mlp.down", "mlp.up"]) perLayer(r);
    put(get("final_norm"));
    // freq_cis_real then freq_cis_imag, [seq_len, head_size / 2] each (run.c skips them)
    const seq = p.ctx || 512;
    const half = p.headDim / 2;
    const re = new Float32Array(seq * half);
    const im = new Float32Array(seq * half);
    for (let pos = 0; pos < seq; pos++) {
      for (let i = 0; i < half; i++) {
        const freq = 1 / p.ropeTheta ** ((2 * i) / p.headDim);
        re[pos * half + i] = Math.cos(pos * freq);
        im[pos * half + i] = Math.sin(pos * freq);
      }
    }
    f.write(f32(re));
    f.write(f32(im));
    if (untied) put(get("head"));
  });
}

/** A llama2.c tokenizer.bin: int32 max_token_length, then per token f32 score, int32 length, bytes. */
export function writeLlama2cTokenizer(v: Vocabulary, path: string): void {
  const enc = new TextEncoder();
  const pieces = v.tokens.map((t, i) => {
    let s = t;
    if (v.spaceMarker !== " ") s = i === v.bos ? "\n<s>\n" : i === v.eos ? "\n</s>\n" : t.replace(/\u2581/g, " ");
    return enc.encode(s);
  });
  const maxLen = pieces.reduce((a, b) => Math.max(a, b.length), 0);
  writeAtomically(path, (f) => {
    f.write(new Uint8Array(new Int32Array([maxLen]).buffer));
    pieces.forEach((b, i) => {
      const rec = new DataView(new ArrayBuffer(8));
      rec.setFloat32(0, v.scores?.[i] ?? 0, true);
      rec.setInt32(4, b.length, true);
      f.write(new Uint8Array(rec.buffer));
      f.write(b);
    });
  });
}
