/**
 * @module test-support/virtual-model
 * A llama-7B-shaped model that is never stored: a real safetensors header (LlamaForCausalLM names,
 * F16, width 4096, ffn 11008, vocabulary 32000, 32 heads; `layers` of the 32 blocks) whose data
 * bytes are made on the fly from their offset — each 64 KiB block is a window of a fixed table of
 * N(0, 0.02) halves chosen by a hash of the block's index and the model's seed — plus config.json
 * and a 32000-token byte-level BPE tokenizer.json. For measuring what indexing a 7B model fetches.
 */
import { fmix32 } from "../numeric/hash.js";
import { f32ToF16 } from "../numeric/half.js";

const DIM = 4096;
const FFN = 11008;
const VOCAB = 32000;
const HEADS = 32;
const BLOCK = 64 << 10;
const TABLE = 1 << 20;

export interface VirtualFile {
  name: string;
  size: number;
  sha256?: string;
  /** Bytes [offset, offset + out.length) into out. */
  fill(offset: number, out: Uint8Array): void;
}

export interface VirtualModelSpec {
  id: string;
  layers: number;
  seed: number;
  /** A header length to state instead of the real one (a hostile file). */
  headerClaim?: bigint;
}

let table: Uint8Array | undefined;
function halves(): Uint8Array {
  if (table) return table;
  const t = new Uint8Array(TABLE);
  const v = new DataView(t.buffer);
  let s = 12345;
  for (let i = 0; i < TABLE / 2; i++) {
    // Box-Muller on two hashed uniforms: N(0, 0.02), stored as IEEE half
    s = fmix32(s + i);
    const u1 = ((s >>> 0) + 1) / 4294967297;
    const u2 = (fmix32(s ^ 0x9e3779b9) >>> 0) / 4294967296;
    v.setUint16(2 * i, f32ToF16(0.02 * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)), true);
  }
  return (table = t);
}

function dataFill(seed: number, offset: number, out: Uint8Array): void {
  const t = halves();
  for (let done = 0; done < out.length; ) {
    const pos = offset + done;
    const b = Math.floor(pos / BLOCK);
    const start = ((fmix32(b ^ Math.imul(seed, 0x85ebca6b)) >>> 0) % ((TABLE - BLOCK) / 2)) * 2;
    const within = pos - b * BLOCK;
    const n = Math.min(BLOCK - within, out.length - done);
    out.set(t.subarray(start + within, start + within + n), done);
    done += n;
  }
}

function tensorList(layers: number): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [["model.embed_tokens.weight", [VOCAB, DIM]], ["model.norm.weight", [DIM]], ["lm_head.weight", [VOCAB, DIM]]];
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}.`;
    out.push([`${p}input_layernorm.weight`, [DIM]], [`${p}post_attention_layernorm.weight`, [DIM]]);
    out.push([`${p}mlp.gate_proj.weight`, [FFN, DIM]], [`${p}mlp.up_proj.weight`, [FFN, DIM]], [`${p}mlp.down_proj.weight`, [DIM, FFN]]);
    for (const x of ["q", "k", "v", "o"]) out.push([`${p}self_attn.${x}_proj.weight`, [DIM, DIM]]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function safetensorsFile(spec: VirtualModelSpec): VirtualFile {
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  let at = 0;
  for (const [name, shape] of tensorList(spec.layers)) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 2;
    header[name] = { dtype: "F16", shape, data_offsets: [at, at + bytes] };
    at += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const head = new Uint8Array(8 + json.length);
  new DataView(head.buffer).setBigUint64(0, spec.headerClaim ?? BigInt(json.length), true);
  head.set(new TextEncoder().encode(json), 8);
  return {
    name: "model.safetensors",
    size: head.length + at,
    fill(offset, out) {
      const inHead = Math.max(0, Math.min(out.length, head.length - offset));
      if (inHead > 0) out.set(head.subarray(offset, offset + inHead));
      if (inHead < out.length) dataFill(spec.seed, offset + inHead - head.length, out.subarray(inHead));
    },
  };
}

/** GPT-2's byte-to-character map: printable bytes stand for themselves, the rest from U+0100 on. */
function byteChars(): string[] {
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    out.push(String.fromCodePoint(printable ? b : 256 + extra++));
  }
  return out;
}

function tokenizerJson(): string {
  const vocab: Record<string, number> = {};
  byteChars().forEach((c, i) => (vocab[c] = i));
  const letters = "etaoinshrdlucmfwypvbgkqjxz";
  for (let i = 256; i < VOCAB; i++) {
    let w = "";
    for (let n = i; n > 0; n = Math.floor(n / 26)) w += letters[n % 26];
    vocab[`${i % 3 === 0 ? "Ġ" : ""}${w}`] = i;
  }
  const model = { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges: [] };
  const bl = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  return JSON.stringify({ version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: bl, post_processor: null, decoder: bl, model });
}

function textFile(name: string, text: string): VirtualFile {
  const bytes = new TextEncoder().encode(text);
  return { name, size: bytes.length, fill: (o, out) => out.set(bytes.subarray(o, o + out.length)) };
}

/** The files of a virtual 7B-shaped model (no sha256: the weight file is never whole; above 256 MiB it is named by its first and last MiB anyway). */
export function virtualModel(spec: VirtualModelSpec): VirtualFile[] {
  const config = {
    architectures: ["LlamaForCausalLM"], model_type: "llama", hidden_size: DIM, intermediate_size: FFN, num_attention_heads: HEADS, num_key_value_heads: HEADS,
    num_hidden_layers: spec.layers, vocab_size: VOCAB, rms_norm_eps: 1e-5, rope_theta: 10000, max_position_embeddings: 4096, tie_word_embeddings: false, torch_dtype: "float16",
  };
  const st = safetensorsFile(spec);
  const card = `---\nlicense: llama2\nbase_model: meta-llama/Llama-2-7b-hf\n---\n\n# ${spec.id}\n\nA synthesized 7B-shaped model (${spec.layers} of 32 layers).\n`;
  return [st, textFile("config.json", JSON.stringify(config, null, 1)), textFile("tokenizer.json", tokenizerJson()), textFile("README.md", card)];
}
