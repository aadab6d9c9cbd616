/**
 * Hostile inputs, made at test time: each case is a file or folder that once hung pedigree, exhausted
 * its memory, lied to it, or made it print something it should not (issue 11). Big files are sparse
 * (a header and a hole), so a case that declares 200 MB costs neither disk nor time to make.
 * Used by the CLI regression tests (exit code, one line naming the file, a memory bound) and by the
 * fuzz tests (the library: a PedigreeError or a clean read, nothing else).
 */
import { execFileSync } from "node:child_process";
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { writeModel } from "../formats/export/write-model.js";
import { checkpoint, dict, pickle, tensor } from "../formats/pytorch/test-support/fixtures.js";
import { computeFingerprint } from "../fingerprint/compute.js";
import { synthesize } from "../forge/synthesize.js";
import { loadModel } from "../load-model.js";
import { openRegistry } from "../registry/open.js";
import { register } from "../registry/store.js";
import { GgufBuilder, tinyGguf } from "./gguf-builder.js";
import { sharedPath } from "./shared.js";

export interface Expect {
  /** Exit code of the command. */
  code: 0 | 1 | 2;
  /** With code 2: the one stderr line (which names the file). */
  error?: RegExp;
  /** With code 0/1: what stdout must / must not show. */
  stdout?: RegExp;
  notStdout?: RegExp;
}

export interface HostileCase {
  id: string;
  /** What the input does to a reader that trusts it. */
  defect: string;
  /** Makes the input under `dir`; returns the CLI arguments and the path the library would open (if any). */
  make(dir: string): { args: string[]; model?: string };
  expect: Expect;
}

const STORIES = () => sharedPath("models", "stories260K", "stories260K.gguf");

/** A file of `size` bytes that holds `head` and then a hole. */
export function sparseFile(path: string, head: Uint8Array, size: number): string {
  writeFileSync(path, head);
  truncateSync(path, Math.max(size, head.length));
  return path;
}

/** A tiny llama as a Hugging Face folder (safetensors, config.json, README.md, tokenizer.json). */
export function tinyHfModel(dir: string, seed = 1): string {
  writeModel(synthesize({ family: "llama", dim: 32, layers: 2, ffn: 64, heads: 4, kvHeads: 2, vocab: 48, seed }), dir, { format: "hf", dtype: "F32" });
  return dir;
}

function fifo(path: string): string {
  execFileSync("mkfifo", [path]);
  return path;
}

function folderWithGguf(dir: string): string {
  mkdirSync(dir, { recursive: true });
  copyFileSync(STORIES(), join(dir, "model.gguf"));
  return dir;
}

/** A GGUF whose only metadata is one array header of `count` elements of `itemType`, in a sparse file. */
function ggufArray(path: string, itemType: number, count: number, bytesPerItem: number): string {
  const b = new GgufBuilder();
  b.bytes([0x47, 0x47, 0x55, 0x46]).u32(3).u64(0).u64(1);
  b.str("x.huge").u32(9).u32(itemType).u64(count);
  return sparseFile(path, b.build(), b.length + count * bytesPerItem + 64);
}

/** Overwrite every F32 value of a safetensors file's data with `value` (NaN, Inf). */
function fillSafetensors(path: string, value: number): void {
  const bytes = readFileSync(path);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 8 + n, bytes.byteOffset + bytes.length));
  data.fill(value);
  const fd = openSync(path, "r+");
  writeSync(fd, new Uint8Array(data.buffer), 0, data.byteLength, 8 + n);
  closeSync(fd);
}

function safetensorsBytes(header: string, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const CONTROL = "evil\u001b[2J\u0007\rFAKE VERDICT\u202eeman\nnext";

export const HOSTILE_CASES: HostileCase[] = [
  {
    id: "fifo-weights",
    defect: "a FIFO as the weight file blocked open() forever",
    make: (dir) => { const p = fifo(join(dir, "model.gguf")); return { args: ["inspect", p], model: p }; },
    expect: { code: 2, error: /model\.gguf: a FIFO .*not a regular file/ },
  },
  {
    id: "fifo-config",
    defect: "a FIFO as config.json beside the weights hung inspect",
    make: (dir) => { const d = folderWithGguf(join(dir, "m")); fifo(join(d, "config.json")); return { args: ["inspect", d], model: d }; },
    expect: { code: 2, error: /config\.json: a FIFO/ },
  },
  {
    id: "fifo-readme",
    defect: "a FIFO as README.md hung inspect",
    make: (dir) => { const d = folderWithGguf(join(dir, "m")); fifo(join(d, "README.md")); return { args: ["inspect", d], model: d }; },
    expect: { code: 2, error: /README\.md: a FIFO/ },
  },
  {
    id: "fifo-tokenizer",
    defect: "a FIFO as tokenizer.json hung inspect",
    make: (dir) => {
      const d = tinyHfModel(join(dir, "m"));
      execFileSync("rm", ["-f", join(d, "tokenizer.json")]);
      fifo(join(d, "tokenizer.json"));
      return { args: ["inspect", d], model: d };
    },
    expect: { code: 2, error: /tokenizer\.json: a FIFO/ },
  },
  {
    id: "gguf-array-200M",
    defect: "a metadata array of 200M u8 aborted V8 (exit 134)",
    make: (dir) => { const p = ggufArray(join(dir, "arr.gguf"), 0, 200_000_000, 1); return { args: ["inspect", p], model: p }; },
    expect: { code: 2, error: /arr\.gguf: metadata "x\.huge": .*MB of memory/ },
  },
  {
    id: "gguf-array-64M-f32",
    defect: "a 64M-element f32 array took 1.1-2.2 GB",
    make: (dir) => { const p = ggufArray(join(dir, "arr.gguf"), 6, 64 << 20, 4); return { args: ["inspect", p], model: p }; },
    expect: { code: 2, error: /arr\.gguf: metadata "x\.huge": .*MB of memory/ },
  },
  {
    id: "gguf-string-250MB",
    defect: "one 250 MB metadata string took over 1 GB",
    make: (dir) => {
      const b = new GgufBuilder();
      b.bytes([0x47, 0x47, 0x55, 0x46]).u32(3).u64(0).u64(1).str("x.big").u32(8).u64(250_000_000);
      const p = sparseFile(join(dir, "str.gguf"), b.build(), b.length + 250_000_000 + 64);
      return { args: ["inspect", p], model: p };
    },
    expect: { code: 2, error: /str\.gguf: .*string of 250000000 bytes exceeds the limit/ },
  },
  {
    id: "gguf-tensors-1M",
    defect: "a table of 1M tensors took over 1 GB",
    make: (dir) => {
      const b = new GgufBuilder();
      b.bytes([0x47, 0x47, 0x55, 0x46]).u32(3).u64(1_000_000).u64(0);
      const p = sparseFile(join(dir, "many.gguf"), b.build(), 1_000_000 * 40);
      return { args: ["inspect", p], model: p };
    },
    expect: { code: 2, error: /many\.gguf: absurd tensor count 1000000/ },
  },
  {
    id: "gguf-block-count-2^31",
    defect: "llama.block_count 2^31 made compare abort at 3 GB",
    make: (dir) => {
      const p = join(dir, "blocks.gguf");
      writeFileSync(p, tinyGguf({ kv: (b) => { b.str("general.architecture").u32(8).str("llama"); b.str("llama.block_count").u32(4).u32(2 ** 31); b.str("llama.embedding_length").u32(4).u32(2 ** 31); return 3; } }));
      return { args: ["compare", p, STORIES()], model: p };
    },
    expect: { code: 0, stdout: /INDEPENDENT|NOT TESTED|not comparable|UNRELATED/i },
  },
  {
    id: "config-hidden-2^40",
    defect: "config.json with hidden_size 2^40 and 10^9 layers made register run past 60 s at 3.7 GB",
    make: (dir) => {
      const d = tinyHfModel(join(dir, "m"));
      const cfg = JSON.parse(readFileSync(join(d, "config.json"), "utf8")) as Record<string, unknown>;
      writeFileSync(join(d, "config.json"), JSON.stringify({ ...cfg, hidden_size: 2 ** 40, num_hidden_layers: 1e9, intermediate_size: 2 ** 40 }));
      return { args: ["inspect", d], model: d };
    },
    expect: { code: 0, stdout: /2 layers, dim 32/ },
  },
  {
    id: "safetensors-1M-table",
    defect: "a safetensors header of 300k tiny tensors took over 1 GB to parse",
    make: (dir) => {
      const parts: string[] = [];
      for (let i = 0; i < 300_000; i++) parts.push(`"t${i}":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`);
      const p = join(dir, "many.safetensors");
      writeFileSync(p, safetensorsBytes(`{${parts.join(",")}}`, new Uint8Array(0)));
      return { args: ["inspect", p], model: p };
    },
    expect: { code: 2, error: /many\.safetensors: header declares more than \d+ tensors/ },
  },
  {
    id: "tokenizer-json-100MB",
    defect: "a 100 MB tokenizer.json took over 1 GB",
    make: (dir) => {
      const d = tinyHfModel(join(dir, "m"));
      sparseFile(join(d, "tokenizer.json"), new TextEncoder().encode("{\"model\":{\"vocab\":{\""), 100_000_000);
      return { args: ["inspect", d], model: d };
    },
    expect: { code: 2, error: /tokenizer\.json: 100000000 bytes is too large/ },
  },
  {
    id: "tokenizer-json-deep",
    defect: "1M-deep JSON in tokenizer.json gave 'internal error: Maximum call stack size'",
    make: (dir) => {
      const d = tinyHfModel(join(dir, "m"));
      writeFileSync(join(d, "tokenizer.json"), `{"model":${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}`);
      return { args: ["inspect", d], model: d };
    },
    expect: { code: 2, error: /tokenizer\.json: tokenizer\.json is nested 1000001 deep/ },
  },
  {
    id: "config-json-deep",
    defect: "1M-deep JSON in config.json parsed, then overflowed the stack when written out ('internal error')",
    make: (dir) => {
      const d = tinyHfModel(join(dir, "m"));
      writeFileSync(join(d, "config.json"), `{"x":${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}`);
      return { args: ["inspect", d, "--json"], model: d };
    },
    expect: { code: 2, error: /config\.json: config\.json is nested 1000001 deep/ },
  },
  {
    id: "yaml-many-keys",
    defect: "YAML front matter with 100k keys took quadratic time (78 s)",
    make: (dir) => {
      const d = tinyHfModel(join(dir, "m"));
      let y = "---\nlicense: mit\n";
      for (let i = 0; i < 40_000; i++) y += `k${i}: v\n`;
      writeFileSync(join(d, "README.md"), `${y}---\n# card\n`);
      return { args: ["inspect", d], model: d };
    },
    expect: { code: 0, stdout: /2 layers/ },
  },
  {
    id: "yaml-10MB-card",
    defect: "a 10 MB YAML card took over 1 GB",
    make: (dir) => {
      const d = tinyHfModel(join(dir, "m"));
      writeFileSync(join(d, "README.md"), `---\nlicense: mit\nx: "${"a".repeat(10_000_000)}"\n---\n# card\n`);
      return { args: ["inspect", d], model: d };
    },
    expect: { code: 0, stdout: /front matter is \d+ characters, over the 512 KB limit/ },
  },
  {
    id: "pickle-stride-0",
    defect: "a pickle view of 2^20 x 2^20 elements with stride (0,0) over 4 bytes never ended",
    make: (dir) => {
      const pkl = pickle(dict([["w", tensor({ key: "0", numel: 1, size: [1 << 20, 1 << 20], stride: [0, 0] })]], true));
      const p = join(dir, "view.pt");
      writeFileSync(p, checkpoint(pkl, { "0": new Uint8Array(4) }));
      return { args: ["inspect", p, "--tensors"], model: p };
    },
    expect: { code: 2, error: /view\.pt: tensor "w" .*more than its storage/ },
  },
  {
    id: "gguf-name-control",
    defect: "ESC, BEL, CR, LF and U+202E in general.name reached the terminal raw",
    make: (dir) => {
      const p = join(dir, "ctl.gguf");
      writeFileSync(p, tinyGguf({ kv: (b) => { b.str("general.name").u32(8).str(CONTROL); return 1; } }));
      return { args: ["inspect", p], model: p };
    },
    // eslint-disable-next-line no-control-regex -- the point: no raw control or bidi character on stdout
    expect: { code: 0, notStdout: /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|FAKE VERDICT\n/ },
  },
  {
    id: "card-control",
    defect: "control characters in card fields and in YAML warnings reached the terminal raw",
    make: (dir) => {
      const d = tinyHfModel(join(dir, "m"));
      writeFileSync(join(d, "README.md"), `---\nlicense: "mit\\u001b[2J"\nmodel_name: ${JSON.stringify(CONTROL)}\nbase_model: ${JSON.stringify(CONTROL)}\n---\n`);
      return { args: ["inspect", d], model: d };
    },
    // eslint-disable-next-line no-control-regex -- the point
    expect: { code: 0, notStdout: /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/ },
  },
  {
    id: "yaml-warning-control",
    defect: "a YAML error echoed the raw card line (ESC sequences) on stderr",
    make: (dir) => {
      const d = tinyHfModel(join(dir, "m"));
      writeFileSync(join(d, "README.md"), `---\nbase_model: [x\n\u001b[31m\u202e: y\n---\n`);
      return { args: ["inspect", d], model: d };
    },
    // eslint-disable-next-line no-control-regex -- the point
    expect: { code: 0, notStdout: /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/ },
  },
  {
    id: "nan-model",
    defect: "a model of NaNs came out DERIVED from an unrelated model at p ~ 1e-330",
    make: (dir) => {
      const a = tinyHfModel(join(dir, "a"), 1);
      const b = tinyHfModel(join(dir, "nan"), 2);
      fillSafetensors(join(b, "model.safetensors"), Number.NaN);
      return { args: ["compare", b, a, "--json"], model: b };
    },
    expect: { code: 0, notStdout: /"verdict":\s*"derived"/, stdout: /"nonFinite"/ },
  },
  {
    id: "inf-model",
    defect: "a model of infinities came out DERIVED from an unrelated model",
    make: (dir) => {
      const a = tinyHfModel(join(dir, "a"), 1);
      const b = tinyHfModel(join(dir, "inf"), 2);
      fillSafetensors(join(b, "model.safetensors"), Number.POSITIVE_INFINITY);
      return { args: ["compare", a, b, "--json"], model: b };
    },
    expect: { code: 0, notStdout: /"verdict":\s*"derived"/, stdout: /"nonFinite"/ },
  },
  {
    id: "safetensors-duplicate-key",
    defect: "a safetensors header naming one tensor twice was read silently (JSON keeps the last)",
    make: (dir) => {
      const p = join(dir, "dup.safetensors");
      writeFileSync(p, safetensorsBytes(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, new Uint8Array(8)));
      return { args: ["inspect", p], model: p };
    },
    expect: { code: 2, error: /dup\.safetensors: .*duplicate/ },
  },
  {
    id: "safetensors-gap",
    defect: "bytes between tensors in a safetensors buffer were accepted silently (room for a hidden payload)",
    make: (dir) => {
      const p = join(dir, "gap.safetensors");
      writeFileSync(p, safetensorsBytes(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, new Uint8Array(12)));
      return { args: ["inspect", p], model: p };
    },
    expect: { code: 2, error: /gap\.safetensors: .*not covered by any tensor/ },
  },
  {
    id: "safetensors-trailing",
    defect: "trailing bytes after the last tensor were accepted silently",
    make: (dir) => {
      const p = join(dir, "tail.safetensors");
      writeFileSync(p, safetensorsBytes(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4 + 1000)));
      return { args: ["inspect", p], model: p };
    },
    expect: { code: 2, error: /tail\.safetensors: .*not covered by any tensor/ },
  },
  {
    id: "safetensors-empty-name",
    defect: "a tensor with an empty name was accepted silently",
    make: (dir) => {
      const p = join(dir, "noname.safetensors");
      writeFileSync(p, safetensorsBytes(`{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4)));
      return { args: ["inspect", p], model: p };
    },
    expect: { code: 2, error: /noname\.safetensors: .*empty tensor name/ },
  },
  {
    id: "gguf-empty-name",
    defect: "a GGUF tensor with an empty name was accepted silently",
    make: (dir) => {
      const b = new GgufBuilder();
      b.bytes([0x47, 0x47, 0x55, 0x46]).u32(3).u64(1).u64(0).str("").u32(1).u64(4).u32(0).u64(0).padTo(32);
      for (let i = 0; i < 4; i++) b.f32(i);
      const p = join(dir, "noname.gguf");
      writeFileSync(p, b.build());
      return { args: ["inspect", p], model: p };
    },
    expect: { code: 2, error: /noname\.gguf: .*empty tensor name/ },
  },
  {
    id: "zip-stored-bad-crc",
    defect: "a stored zip entry whose CRC-32 does not match its bytes was read silently",
    make: (dir) => {
      const pkl = pickle(dict([["w", tensor({ key: "0", numel: 4, size: [2, 2] })]], true));
      const bytes = checkpoint(pkl, { "0": new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer) });
      // flip one byte of the storage's data (the last local entry before the version file)
      const at = Buffer.from(bytes).indexOf(Buffer.from(new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer)));
      bytes[at] = (bytes[at] as number) ^ 0x01;
      const p = join(dir, "crc.pt");
      writeFileSync(p, bytes);
      return { args: ["inspect", p, "--tensors"], model: p };
    },
    expect: { code: 2, error: /crc\.pt: .*CRC/ },
  },
  {
    id: "zero-width-run",
    defect: "run on a zero-width model said 'outside the model's vocabulary (0..-1)', naming no file",
    make: (dir) => {
      const names = ["model.embed_tokens.weight", "model.norm.weight", "lm_head.weight",
        ...["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"].map((n) => `model.layers.0.${n}.weight`),
        "model.layers.0.input_layernorm.weight", "model.layers.0.post_attention_layernorm.weight"];
      const header = `{${names.map((n) => `"${n}":{"dtype":"F32","shape":${n.includes("norm") ? "[0]" : "[0,0]"},"data_offsets":[0,0]}`).join(",")}}`;
      const p = join(dir, "zw.safetensors");
      writeFileSync(p, safetensorsBytes(header, new Uint8Array(0)));
      return { args: ["run", p, "--tokens", "1"], model: p };
    },
    expect: { code: 2, error: /zw\.safetensors: cannot run: the embedding is 0x0/ },
  },
  {
    id: "registry-summary-damaged",
    defect: "a damaged summary_json in the registry gave 'internal error: Cannot read properties of undefined'",
    make: (dir) => {
      const file = join(dir, "registry.db");
      const db = openRegistry(file);
      const m = loadModel(STORIES());
      try {
        register(db, computeFingerprint(m), { name: "stories", owner: "me", tier: "open", license: "mit" });
        db.prepare("UPDATE models SET summary_json = '{\"format\": 1}'").run();
      } finally {
        m.close();
        db.close();
      }
      return { args: ["show", "stories", "--registry", file] };
    },
    expect: { code: 2, error: /registry\.db: model "stories": its stored summary is damaged/ },
  },
  {
    id: "registry-missing",
    defect: "list on a registry path that does not exist said 'no models registered', exit 0",
    make: (dir) => ({ args: ["list", "--registry", join(dir, "none.db")] }),
    expect: { code: 2, error: /none\.db: no registry here/ },
  },
  {
    id: "registry-url",
    defect: "--registry postgres://... created a local folder named 'postgres:' (now: a Postgres registry, here one that cannot be reached)",
    make: () => ({ args: ["list", "--registry", "postgres://user:secret@127.0.0.1:1/pedigree"] }),
    expect: { code: 2, error: /^pedigree: postgres:\/\/user:\*\*\*@127\.0\.0\.1:1\/pedigree: cannot reach the registry/ },
  },
];
