/**
 * @module forge/forge
 * `pedigree forge`: open a model (or synthesize one), apply the steps lazily, check that the
 * result can be written as asked — all before anything touches the disk — then stream it into
 * place (a folder appears under its name only when complete) with a forge.json holding the exact
 * ground truth beside it.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { PedigreeError, UsageError } from "../errors.js";
import { ggufTensors, storedType } from "../formats/export/gguf-model.js";
import { tensorName, type NamingScheme } from "../formats/export/naming.js";
import { formatForPath, writeModel, type OutputFormat } from "../formats/export/write-model.js";
import { writeAtomically } from "../io/atomic-file.js";
import { loadModel } from "../load-model.js";
import type { CanonicalModel } from "../model/canonical.js";
import { f32Sha256 } from "../model/digest.js";
import { draftOf, type DraftTensor, type ModelDraft } from "../model/draft.js";
import { dtypeInfo, isDtype, type Dtype } from "../model/dtype.js";
import { canEncode } from "../model/encode.js";
import { parseKey } from "../model/roles.js";
import { Rng } from "../numeric/rng.js";
import { mixSeed } from "./gaussian.js";
import { parseSteps } from "./parse-steps.js";
import { stepFn } from "./steps/index.js";
import { synthesize, type SynthesizeSpec } from "./synthesize.js";
import { numel } from "./tensor-ops.js";
import { TruthState, type ParentInfo } from "./truth.js";
import type { OpenedParent, ParsedStep, Relation, StepContext, TruthUpdate } from "./types.js";

export const FORGE_RECORD_VERSION = "pedigree-forge/1";
/** forge.json's schema tag, as on every JSON document (docs/json.md); `format` is kept for its readers. */
export const FORGE_SCHEMA = "pedigree.forge/1";

export interface ForgeOptions {
  /** The model to derive from (a file or folder); absent with `synthesize`. */
  input?: string;
  synthesize?: SynthesizeSpec;
  /** The --steps string. */
  steps?: string;
  out: string;
  seed?: number;
  dtype?: string;
  format?: OutputFormat;
  name?: string;
  declareBase?: string[];
  license?: string;
  maxShardBytes?: number;
  /** Replace an existing output. */
  force?: boolean;
  /** Values produced so far, of the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface ChainEntry {
  step: string;
  spec: Record<string, unknown>;
  relation: Relation;
  record: Record<string, unknown>;
}

export interface Applied {
  draft: ModelDraft;
  truth: TruthState;
  chain: ChainEntry[];
  output: { format?: OutputFormat; dtype?: Dtype; naming?: NamingScheme };
  /** Types a quantize step let stay F32 (f32-fallback). */
  f32FallbackTypes: Set<Dtype>;
  /** The draft each step started from. */
  stepInputs: ModelDraft[];
  /** Close every model opened (the input and other parents). */
  close(): void;
}

/** Content identity of a model: sha256 of its first tensor's float32 values. */
export function identityOf(m: CanonicalModel): ParentInfo["identity"] {
  const first = m.tensors.values().next().value;
  return first ? { tensor: first.key, f32Sha256: f32Sha256(first) } : null;
}

function parentInfo(m: CanonicalModel, role: ParentInfo["role"], sinceStep: number): ParentInfo {
  return { role, path: resolve(m.path), name: m.declared.name, format: m.format, architecture: m.architecture, identity: identityOf(m), sinceStep };
}

/**
 * Apply parsed steps to a draft, lazily: nothing is computed until the result's chunks are read.
 * `parents[0]` describes the draft's source (absent for a synthesized model).
 */
export function applySteps(start: ModelDraft, steps: ParsedStep[], opts: { seed?: number; parents?: ParentInfo[]; opened?: CanonicalModel[] } = {}): Applied {
  const seed = (opts.seed ?? 1) >>> 0;
  const parents = [...(opts.parents ?? [])];
  const opened = [...(opts.opened ?? [])];
  const byPath = new Map<string, OpenedParent>();
  const tied = start.params.tiedEmbeddings || !start.tensors.some((t) => t.key === "head");
  const truth = new TruthState(start.params.nLayers, tied, start.params.vocab, parents);
  const chain: ChainEntry[] = [];
  const output: Applied["output"] = {};
  const f32FallbackTypes = new Set<Dtype>();
  const stepInputs: ModelDraft[] = [];
  let d = start;
  const close = () => {
    for (const m of opened) m.close();
    opened.length = 0;
  };
  try {
    steps.forEach((s, index) => {
      const stepSeed = mixSeed(seed, 0x100 + index);
      const ctx: StepContext = {
        index,
        seed,
        stepSeed,
        open(path, role) {
          const abs = resolve(path);
          const seen = byPath.get(abs);
          if (seen) return seen;
          if (!existsSync(abs)) throw new UsageError(`${s.name}: ${path} does not exist`);
          const model = loadModel(abs);
          opened.push(model);
          parents.push(parentInfo(model, role, index));
          const o = { index: parents.length - 1, model };
          byPath.set(abs, o);
          return o;
        },
      };
      stepInputs.push(d);
      const { draft, truth: u } = stepFn(s.name)(d, s, new Rng(stepSeed), ctx);
      d = draft;
      truth.apply(index, u);
      Object.assign(output, u.output ?? {});
      if (u.quantization?.f32Fallback) f32FallbackTypes.add(u.quantization.type);
      const { text, ...spec } = s;
      chain.push({ step: text, spec, relation: u.relation, record: u.record ?? {} });
    });
  } catch (e) {
    close();
    throw e;
  }
  return { draft: d, truth, chain, output, f32FallbackTypes, stepInputs, close };
}

/**
 * JSON with two-space indentation whose arrays of numbers and strings, and short values, stay on one
 * line (permutations and layer lists would otherwise take a line per entry).
 */
export function recordJson(value: unknown): string {
  const inline = (v: unknown) => (Array.isArray(v) && v.every((x) => x === null || typeof x !== "object")) || (JSON.stringify(v) ?? "").length <= 72;
  const fmt = (v: unknown, indent: string): string => {
    if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
    if (inline(v)) return JSON.stringify(v);
    const next = `${indent}  `;
    if (Array.isArray(v)) return v.length === 0 ? "[]" : `[\n${v.map((x) => next + fmt(x, next)).join(",\n")}\n${indent}]`;
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return entries.length === 0 ? "{}" : `{\n${entries.map(([k, x]) => `${next}${JSON.stringify(k)}: ${fmt(x, next)}`).join(",\n")}\n${indent}}`;
  };
  return `${fmt(value, "")}\n`;
}

/** The storage type most of a model's matrix values are in. */
export function dominantDtype(m: CanonicalModel): string | undefined {
  const count = new Map<string, number>();
  for (const t of m.tensors.values()) if (t.shape.length === 2) count.set(t.dtype, (count.get(t.dtype) ?? 0) + t.size);
  return [...count.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

interface OutputPlan {
  path: string;
  format: OutputFormat;
  dtype: Dtype;
  naming: NamingScheme;
  /** Where forge.json goes. */
  recordPath: string;
}

function resolveOutput(opts: ForgeOptions, a: Applied, input: CanonicalModel | undefined): OutputPlan {
  const path = resolve(opts.out);
  const implied = formatForPath(path);
  const format = opts.format ?? a.output.format ?? implied;
  if (format === "gguf" && !path.endsWith(".gguf")) throw new UsageError(`a GGUF output needs a file name ending in .gguf (got ${opts.out})`);
  if (format === "llama2c" && !path.endsWith(".bin")) throw new UsageError(`a llama2.c output needs a file name ending in .bin (got ${opts.out})`);
  if (format === "hf" && (implied !== "hf" || path.endsWith(".safetensors"))) {
    throw new UsageError(`a safetensors output is a folder: give -o a folder name, not ${basename(opts.out)} (or --format ${implied === "hf" ? "gguf" : implied})`);
  }
  const lastQuant = a.truth.quantizations[a.truth.quantizations.length - 1]?.type;
  let dtype: string;
  if (opts.dtype) dtype = opts.dtype.toUpperCase();
  else if (a.output.dtype) dtype = a.output.dtype;
  else if (format === "llama2c") dtype = "F32";
  else {
    const inDtype = input ? dominantDtype(input) : undefined;
    if (format === "gguf") dtype = lastQuant ?? (inDtype && isDtype(inDtype) && canEncode(inDtype) ? inDtype : "F16");
    else if (lastQuant) dtype = lastQuant === "F16" || lastQuant === "BF16" ? lastQuant : "F32";
    else dtype = inDtype && ["F32", "F16", "BF16"].includes(inDtype) ? inDtype : input ? "F32" : "BF16";
  }
  if (!isDtype(dtype)) throw new UsageError(`--dtype: unknown type ${dtype}`);
  if (format === "hf" && !["F32", "F16", "BF16"].includes(dtype)) throw new UsageError(`safetensors holds F32, F16 or BF16, not ${dtype}: write a .gguf for quantized types`);
  if (format === "llama2c" && dtype !== "F32") throw new UsageError(`llama2.c checkpoints are F32, not ${dtype}`);
  if (format === "gguf" && !canEncode(dtype)) throw new UsageError(`pedigree cannot write ${dtype} to GGUF`);
  const naming = a.output.naming ?? "hf";
  if (a.output.naming && format !== "hf") throw new UsageError(`rename applies to safetensors folders; ${format === "gguf" ? "GGUF files use llama.cpp's names" : "llama2.c files have no tensor names"}`);
  const recordPath = format === "hf" ? join(path, "forge.json") : `${path}.forge.json`;
  return { path, format, dtype, naming, recordPath };
}

/** Everything a writer would refuse, found before writing. */
function preflight(d: ModelDraft, o: OutputPlan, f32Fallback: Set<Dtype>): void {
  const asUsage = (e: unknown): never => {
    if (e instanceof PedigreeError && !(e instanceof UsageError)) throw new UsageError(e.message);
    throw e;
  };
  if (o.format === "hf") {
    if (d.params.block === "gpt2") {
      if (o.naming !== "hf") throw new UsageError("rename: GPT-2 models are written with nanoGPT's names");
      return;
    }
    for (const t of d.tensors) {
      if (t.key.startsWith("other.")) throw new UsageError(`cannot write tensor ${t.key} (not a known role) in ${o.naming} naming`);
      try {
        tensorName(t.key, o.naming);
      } catch (e) {
        asUsage(e);
      }
    }
    return;
  }
  if (o.format === "gguf") {
    try {
      ggufTensors(d, { dtype: o.dtype });
    } catch (e) {
      asUsage(e);
    }
    if (dtypeInfo(o.dtype).quantized && !f32Fallback.has(o.dtype)) {
      const misfits = d.tensors.filter((t) => t.shape.length === 2 && storedType(o.dtype, t.shape[1] as number) === "F32").map((t) => `${t.key} (rows of ${t.shape[1]})`);
      if (misfits.length) {
        throw new UsageError(`${o.dtype}: ${misfits.slice(0, 3).join(", ")}${misfits.length > 3 ? ", ..." : ""} fit no block type (llama-quantize would refuse); add a quantize:${o.dtype}:f32-fallback step to keep them in F32, or pick another --dtype`);
      }
    }
    return;
  }
  const p = d.params;
  if (p.block !== "llama" || p.nExperts > 0) throw new UsageError("llama2.c holds dense llama-family models only");
  if (p.headDim * p.nHeads !== p.dim) throw new UsageError("llama2.c needs head_dim × n_heads = dim");
  const known = new Set(["embed", "head", "final_norm", "attn_norm", "attn.q", "attn.k", "attn.v", "attn.o", "mlp_norm", "mlp.gate", "mlp.up", "mlp.down"]);
  for (const t of d.tensors) {
    const k = parseKey(t.key);
    if (!known.has(k.role) || k.bias) throw new UsageError(`llama2.c has no place for tensor ${t.key}`);
  }
  for (const need of ["embed", "final_norm"]) if (!d.tensors.some((t) => t.key === need)) throw new UsageError(`llama2.c export needs tensor ${need}`);
}

function withProgress(d: ModelDraft, report: (done: number, total: number) => void): ModelDraft {
  const total = d.tensors.reduce((a, t) => a + numel(t.shape), 0);
  let done = 0;
  const tensors: DraftTensor[] = d.tensors.map((t) => ({
    key: t.key,
    shape: t.shape,
    chunks: () => ({
      *[Symbol.iterator]() {
        for (const c of t.chunks()) {
          done += c.length;
          report(Math.min(done, total), total);
          yield c;
        }
      },
    }),
  }));
  return { ...d, tensors };
}

export function sizeOf(path: string): { bytes: number; files: string[] } {
  const st = statSync(path);
  if (!st.isDirectory()) return { bytes: st.size, files: [basename(path)] };
  let bytes = 0;
  const files: string[] = [];
  for (const n of readdirSync(path).sort()) {
    const s = statSync(join(path, n));
    if (s.isFile()) {
      bytes += s.size;
      files.push(n);
    }
  }
  return { bytes, files };
}

/**
 * A folder written under a temporary name (`<out>.partial-<pid>`) and renamed into place when
 * complete; removed if writing fails. A forge stopped from outside (api/forge terminates its
 * worker) leaves it for the caller to remove: partialPaths() lists it.
 */
export function writeFolderAtomically(out: string, force: boolean, fill: (tmp: string) => void): void {
  const tmp = `${out}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(tmp, { recursive: true });
    fill(tmp);
    if (existsSync(out)) {
      if (!force) throw new UsageError(`${out} already exists (use --force to replace it)`);
      const old = `${out}.old-${process.pid}`;
      renameSync(out, old);
      renameSync(tmp, out);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, out);
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** Files a forge writing `out` may leave behind if killed: every `*.partial-<pid>` beside it. */
export function partialPaths(out: string, pid = process.pid): string[] {
  const dir = dirname(resolve(out));
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.endsWith(`.partial-${pid}`)).map((n) => join(dir, n));
}

export interface ForgePlan {
  options: ForgeOptions;
  applied: Applied;
  output: OutputPlan;
  draft: ModelDraft;
  input?: CanonicalModel;
  started: number;
  /** The GGUF writer quantizes the last quantize step's input itself (see planForge). */
  quantizedByWriter: boolean;
  /** How the file's values relate to the forged float32 values. */
  storage: string;
}

/** Open, apply and check everything; nothing is written. Close with `plan.applied.close()`. */
export function planForge(opts: ForgeOptions): ForgePlan {
  const started = Date.now();
  if (!opts.input && !opts.synthesize) throw new UsageError("forge needs a model to derive from, or --synthesize <family>");
  if (opts.input && opts.synthesize) throw new UsageError("give either a model or --synthesize, not both");
  const steps = opts.steps === undefined ? [] : parseSteps(opts.steps);
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer (got ${seed})`);
  const out = resolve(opts.out);
  const inPath = opts.input ? resolve(opts.input) : undefined;
  if (inPath && (inPath === out || out.startsWith(`${inPath}/`) || inPath.startsWith(`${out}/`))) throw new UsageError("the output would overwrite the input: choose another -o");
  if (existsSync(out) && !opts.force) throw new UsageError(`${opts.out} already exists (use --force to replace it)`);
  let input: CanonicalModel | undefined;
  let start: ModelDraft;
  const parents: ParentInfo[] = [];
  if (inPath) {
    if (!existsSync(inPath)) throw new PedigreeError("not-found", "no such file or folder", opts.input);
    input = loadModel(inPath);
    try {
      parents.push(parentInfo(input, "input", 0));
    } catch (e) {
      input.close();
      throw e;
    }
    start = draftOf(input);
  } else {
    start = synthesize({ ...(opts.synthesize as SynthesizeSpec), seed });
  }
  const applied = applySteps(start, steps, { seed, parents, opened: input ? [input] : [] });
  try {
    const output = resolveOutput(opts, applied, input);
    const inputName = input ? (input.declared.name ?? basename(input.path).replace(/\.(gguf|bin|safetensors|pt|pth)$/, "")) : undefined;
    const declared = {
      name: opts.name ?? (inputName ? `${inputName}-forged` : start.declared.name),
      license: opts.license ?? input?.declared.license,
      baseModels: [...(opts.declareBase ?? [])],
      problems: [],
    };
    let values = applied.draft;
    // A final quantize step written as a GGUF of the same type: let the writer quantize the values
    // it started from, so the file holds exactly what ggml's quantizer (llama-quantize) makes of
    // them. Its dequantized values are the step's output, bit for bit; re-quantizing the
    // dequantized values would not always give the same blocks (K-quant and IQ scale searches).
    let last = -1;
    applied.chain.forEach((c, i) => {
      if (c.relation !== "format") last = i;
    });
    const lastStep = steps[last];
    let quantizedByWriter = false;
    if (output.format === "gguf" && lastStep?.name === "quantize" && lastStep.type === output.dtype) {
      const before = applied.stepInputs[last] as ModelDraft;
      values = { ...applied.draft, tensors: before.tensors };
      quantizedByWriter = true;
    }
    const draft: ModelDraft = { ...values, declared };
    preflight(draft, output, applied.f32FallbackTypes);
    let storage: string;
    if (output.dtype === "F32") storage = "float32: the forged values exactly";
    else if (quantizedByWriter) storage = `${output.dtype} blocks of the last quantize step: they decode to the forged values exactly`;
    else if (dtypeInfo(output.dtype).quantized) {
      // the writer quantizes what the steps made: a derivation step of its own, recorded as one
      const tensorTypes: Record<string, string> = {};
      for (const t of draft.tensors) if (t.shape.length === 2) tensorTypes[t.key] = storedType(output.dtype, t.shape[1] as number);
      applied.truth.apply(steps.length, { relation: "quantized", quantization: { type: output.dtype, tensorTypes, f32Fallback: applied.f32FallbackTypes.has(output.dtype) } });
      applied.chain.push({ step: `(written as ${output.dtype})`, spec: { name: "quantize", type: output.dtype, by: "the GGUF writer" }, relation: "quantized", record: { type: output.dtype } });
      storage = `${output.dtype}: the writer quantized the forged values (recorded as a final quantize step)`;
    } else storage = `${output.dtype}: the forged float32 values rounded to nearest`;
    return { options: opts, applied, output, draft, input, started, quantizedByWriter, storage };
  } catch (e) {
    applied.close();
    throw e;
  }
}

export interface ForgeResult {
  out: string;
  recordPath: string;
  format: OutputFormat;
  dtype: Dtype;
  bytes: number;
  files: string[];
  seconds: number;
  record: Record<string, unknown>;
}

/** The forge.json document. */
export function forgeRecord(plan: ForgePlan, written?: { bytes: number; files: string[] }): Record<string, unknown> {
  const { applied, output, draft, options } = plan;
  const t = applied.truth;
  const ids = t.parents.map((_, i) => `p${i}`);
  const parentNames = t.parents.flatMap((p) => [p.name, p.path, basename(p.path)].filter((x): x is string => !!x));
  const claims = draft.declared.baseModels;
  const claimTrue = claims.length === 0 ? null : claims.every((c) => parentNames.includes(c) || parentNames.includes(resolve(c)));
  const main = t.parents.length ? 0 : -1;
  const qs = t.quantizations;
  return {
    schema: FORGE_SCHEMA,
    format: FORGE_RECORD_VERSION,
    tool: "pedigree 0.1.0",
    seed: options.seed ?? 1,
    steps: options.steps ?? "",
    synthesize: options.synthesize ? { ...options.synthesize, seed: options.seed ?? 1 } : null,
    chain: applied.chain,
    output: {
      path: output.path,
      format: output.format,
      dtype: output.dtype,
      naming: output.format === "hf" ? output.naming : output.format,
      ...(written ? { bytes: written.bytes, files: written.files } : {}),
      config: draft.params,
      tensors: draft.tensors.length,
      declared: { name: draft.declared.name, license: draft.declared.license ?? null, baseModels: claims },
    },
    parents: t.parents.map((p, i) => ({
      id: ids[i],
      ...p,
      relation: t.relationTo(i),
      layerMap: t.layerMapTo(i),
      components: t.componentsOf(i),
    })),
    truth: {
      relation: main < 0 ? "synthesized" : t.relationTo(main),
      derivedFrom: main < 0 ? [] : t.parents.map((_, i) => ids[i]).filter((_, i) => t.relationTo(i) !== "independent"),
      direction: main < 0 ? "none" : "p0->output",
      chain: t.chain,
      layerMap: main < 0 ? null : t.layerMapTo(main),
      lineage: t.lineageRecord(ids),
      vocab: t.vocabRecord(draft.params.vocab, draft.tokens?.tokens),
      quantization: qs.length
        ? {
            type: qs[qs.length - 1]?.type,
            steps: qs.map((q) => ({ step: q.step, type: q.type, f32Fallback: q.f32Fallback, tensorTypes: q.tensorTypes })),
            ...(plan.quantizedByWriter ? { file: "the GGUF blocks are ggml's quantizer applied to the values before the last quantize step, as llama-quantize makes them; they decode to the step's values exactly" } : {}),
          }
        : null,
      storage: { dtype: output.dtype, values: plan.storage },
      card: { baseModelClaim: claims, claimTrue, license: draft.declared.license ?? null },
    },
  };
}

/** Write a planned forge: the model, then forge.json. Closes the plan's models. */
export function writeForge(plan: ForgePlan): ForgeResult {
  const { output, options } = plan;
  try {
    const draft = options.onProgress ? withProgress(plan.draft, options.onProgress) : plan.draft;
    const wopts = { format: output.format, dtype: output.dtype, naming: output.naming, maxShardBytes: options.maxShardBytes, cardText: "" };
    let written: { bytes: number; files: string[] };
    if (output.format === "hf") {
      writeFolderAtomically(output.path, !!options.force, (tmp) => {
        writeModel(draft, tmp, wopts);
        const w = sizeOf(tmp);
        const record = forgeRecord(plan, { bytes: w.bytes, files: [...w.files, "forge.json"] });
        writeFileSync(join(tmp, "forge.json"), recordJson(record));
      });
      written = sizeOf(output.path);
    } else {
      mkdirSync(dirname(output.path), { recursive: true });
      writeModel(draft, output.path, wopts);
      written = sizeOf(output.path);
      const record = forgeRecord(plan, written);
      writeAtomically(output.recordPath, (f) => f.write(new TextEncoder().encode(recordJson(record))));
    }
    const record = forgeRecord(plan, written);
    return { out: output.path, recordPath: output.recordPath, format: output.format, dtype: output.dtype, bytes: written.bytes, files: written.files, seconds: (Date.now() - plan.started) / 1000, record };
  } finally {
    plan.applied.close();
  }
}

/** Plan and write. */
export function forge(opts: ForgeOptions): ForgeResult {
  return writeForge(planForge(opts));
}

/** Apply a --steps string to a loaded model in memory (for tests and library use); parents[0] is the model. */
export function forgeInMemory(model: CanonicalModel, steps: string, seed = 1): Applied {
  return applySteps(draftOf(model), steps.trim() === "" ? [] : parseSteps(steps), { seed, parents: [parentInfo(model, "input", 0)] });
}

export type { TruthUpdate };
