/**
 * @module forge/parse-steps
 * The `--steps` grammar: steps joined by commas, each `name[:arg[:arg]]`, e.g.
 * `permute,finetune-drift:0.1,quantize:Q4_K,drop-layers:2+3`. Layer lists join indices (or
 * inclusive ranges a-b) with `+`. `transplant:<component>=<path>` and
 * `merge:<method>=<path>[+<path>...][@w+w...]` name other models. Every mistake is one UsageError
 * naming the step and what it expects.
 */
import { UsageError } from "../errors.js";
import type { NamingScheme } from "../formats/export/naming.js";
import type { OutputFormat } from "../formats/export/write-model.js";
import { canEncode } from "../model/encode.js";
import { isDtype, type Dtype } from "../model/dtype.js";
import type { MergeMethod, ParsedStep, StepName, StepSpec, TransplantComponent } from "./types.js";

/** Each step's syntax and what it does, for help and error messages. */
export const STEP_SYNTAX: Record<StepName, [syntax: string, help: string]> = {
  "finetune-drift": ["finetune-drift[:rel[:rank]]", "W + dense Gaussian + rank-8 drift, ||Δ|| = rel·||W|| (rel 0.05)"],
  "lora-merge": ["lora-merge[:rank[:rel]]", "W + B·A on q/v/gate/up (rank 8, rel 0.05)"],
  noise: ["noise[:rel]", "i.i.d. Gaussian, std = rel × each tensor's std (0.05)"],
  quantize: ["quantize:<type>[:f32-fallback]", "round trip 2-D weights through a GGUF type (Q8_0, Q4_K, ...)"],
  permute: ["permute", "permute MLP units, heads (GQA-aware) and residual dimensions"],
  scale: ["scale[:sigma]", "rescale MLP units, V/O and Q/K rotary pairs (log-normal sigma 0.5)"],
  rotate: ["rotate", "fold RMSNorm gains, rotate the residual stream"],
  rename: ["rename[:scheme]", "tensor names of another family: meta, transformer-h, gguf-names, hf"],
  convert: ["convert[:format[:dtype]]", "write as hf, gguf or llama2c"],
  "drop-layers": ["drop-layers:<i+j+...|frac>", "remove layers (indices, ranges a-b, or a fraction from the middle)"],
  "stack-layers": ["stack-layers[:k]", "depth up-scaling: layers [0..n-k) then [k..n) (k = n/4)"],
  "reorder-layers": ["reorder-layers:<i+j+...|random>", "put layers in another order"],
  "prune-width": ["prune-width[:frac]", "remove that fraction of MLP units per layer, smallest norm first (0.25)"],
  "prune-hidden": ["prune-hidden[:frac]", "remove that fraction of residual dimensions, least important first (0.25)"],
  "prune-heads": ["prune-heads[:frac]", "remove that fraction of attention heads (whole GQA groups), weakest first (0.25)"],
  "vocab-extend": ["vocab-extend:<n>", "append n tokens (mean rows, strings joined from frequent tokens)"],
  "vocab-trim": ["vocab-trim:<n|frac>", "drop tokens from the end, keeping special and byte tokens"],
  "moe-upcycle": ["moe-upcycle:<experts>[:topk[:noise]]", "copy each MLP into experts (+ noise 0.01), new router"],
  transplant: ["transplant:<component>=<path>", "take embed, head, embeddings, final_norm or layers.i+j from another model"],
  merge: ["merge:<method>=<path>[+<path>...][@w+w...]", "linear, slerp or ties merge with other models"],
  average: ["average:<path>[+<path>...]", "equal-weight mean with other copies of the model (collusion)"],
  distil: ["distil:<logits|text>=<teacher>[@sequences]", "new head fitted to a teacher's logits or sampled text (48)"],
};

/** The steps as help text lines. */
/** One entry per step: its syntax, then what it does under it (indented, wrapped), so help fits 80 columns. */
export function stepHelp(width = 74): string[] {
  return Object.values(STEP_SYNTAX).flatMap(([syntax, help]) => {
    const lines = [syntax];
    let cur = "   ";
    for (const word of help.split(" ")) {
      if (cur.length > 3 && cur.length + 1 + word.length > width) {
        lines.push(cur);
        cur = "   ";
      }
      cur += ` ${word}`;
    }
    return [...lines, cur];
  });
}

const NAMES = Object.keys(STEP_SYNTAX) as StepName[];

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

class StepError extends UsageError {}

/** Parse a `--steps` string. */
export function parseSteps(text: string): ParsedStep[] {
  const parts = text.split(",").map((s) => s.trim());
  if (parts.length === 1 && parts[0] === "") throw new UsageError("--steps is empty: give steps joined by commas, e.g. --steps permute,finetune-drift:0.1");
  return parts.map((p, i) => {
    if (p === "") throw new UsageError(`--steps: step ${i + 1} is empty (two commas in a row?)`);
    try {
      return { ...parseStep(p), text: p } as ParsedStep;
    } catch (e) {
      if (e instanceof StepError) throw new UsageError(`--steps: step ${i + 1} "${p}": ${e.message}`);
      throw e;
    }
  });
}

function fail(message: string): never {
  throw new StepError(message);
}

function num(s: string | undefined, what: string, lo: number, hi: number, opts: { integer?: boolean; exclusiveLo?: boolean } = {}): number {
  if (s === undefined || !NUMBER.test(s)) fail(`${what} must be a number${s === undefined ? "" : `, not "${s}"`}`);
  const v = Number(s);
  if (opts.integer && !Number.isInteger(v)) fail(`${what} must be a whole number, not ${s}`);
  if (v < lo || (opts.exclusiveLo && v === lo) || v > hi) fail(`${what} must be ${opts.exclusiveLo ? "above" : "at least"} ${lo} and at most ${hi} (got ${s})`);
  return v;
}

/** Layer indices joined by "+", each an integer or an inclusive range a-b. */
export function parseLayerList(s: string, what: string): number[] {
  if (s === "") fail(`${what}: empty layer list`);
  const out: number[] = [];
  for (const part of s.split("+")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) fail(`${what}: "${part}" is not a layer index (use integers or ranges a-b joined with "+", e.g. 2+3 or 4-7)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) fail(`${what}: range ${part} runs backwards`);
    if (b - a > 1_000_000) fail(`${what}: range ${part} is too long`);
    for (let l = a; l <= b; l++) out.push(l);
  }
  return out;
}

function maxArgs(name: string, args: string[], n: number): void {
  if (args.length > n) fail(n === 0 ? `${name} takes no argument` : `${name} takes at most ${n} argument${n > 1 ? "s" : ""} (${STEP_SYNTAX[name as StepName][0]})`);
}

const QUANT_ALIASES: Record<string, string> = { Q4_K_S: "Q4_K", Q4_K_M: "Q4_K", Q5_K_S: "Q5_K", Q5_K_M: "Q5_K", Q3_K_S: "Q3_K", Q3_K_M: "Q3_K", Q3_K_L: "Q3_K" };

/** A GGUF type forge can round trip: a quantized type pedigree can write, or F16 / BF16. */
export function parseQuantType(s: string, what = "quantize"): Dtype {
  const up = s.toUpperCase();
  if (QUANT_ALIASES[up]) fail(`${what}: ${up} is llama.cpp's per-tensor mix; forge quantizes every matrix as one type: use ${QUANT_ALIASES[up]}`);
  if (!isDtype(up)) fail(`${what}: unknown type "${s}" (e.g. Q8_0, Q6_K, Q5_K, Q4_K, Q4_0, Q3_K, Q2_K, IQ4_NL, F16, BF16)`);
  if (up === "F32" || !["F16", "BF16"].includes(up) && !/^(Q|IQ|TQ|MXFP|NVFP)/.test(up)) fail(`${what}: ${up} is not a reduced-precision type (use F16, BF16 or a GGUF block type)`);
  if (!canEncode(up)) fail(`${what}: pedigree cannot quantize to ${up} yet (no reference quantizer); pick another type`);
  return up;
}

function parseStep(p: string): StepSpec {
  const colon = p.indexOf(":");
  const name = (colon < 0 ? p : p.slice(0, colon)).trim();
  const rest = colon < 0 ? undefined : p.slice(colon + 1);
  if (!NAMES.includes(name as StepName)) {
    const near = NAMES.map((n) => [n, editDistance(n, name)] as const).sort((a, b) => a[1] - b[1])[0];
    const hint = near && near[1] <= 3 ? ` (did you mean "${near[0]}"?)` : "";
    fail(`unknown step "${name}"${hint}; steps are ${NAMES.join(", ")}`);
  }
  const n = name as StepName;
  if (n === "transplant" || n === "merge") return parseWithPath(n, rest);
  if (n === "average") {
    const paths = (rest ?? "").split("+").map((x) => x.trim());
    if (rest === undefined || paths.some((x) => x === "")) fail("average needs the other copies' paths joined with '+', e.g. average:../b+../c");
    return { name: n, paths };
  }
  if (n === "distil") return parseDistil(rest);
  const args = rest === undefined ? [] : rest.split(":").map((a) => a.trim());
  if (args.some((a) => a === "")) fail(`empty argument (${STEP_SYNTAX[n][0]})`);
  switch (n) {
    case "finetune-drift":
      maxArgs(n, args, 2);
      return { name: n, rel: args[0] === undefined ? 0.05 : num(args[0], "rel", 0, 10, { exclusiveLo: true }), rank: args[1] === undefined ? 8 : num(args[1], "rank", 0, 4096, { integer: true }) };
    case "lora-merge":
      maxArgs(n, args, 2);
      return { name: n, rank: args[0] === undefined ? 8 : num(args[0], "rank", 1, 4096, { integer: true }), rel: args[1] === undefined ? 0.05 : num(args[1], "rel", 0, 10, { exclusiveLo: true }) };
    case "noise":
      maxArgs(n, args, 1);
      return { name: n, rel: args[0] === undefined ? 0.05 : num(args[0], "rel", 0, 10, { exclusiveLo: true }) };
    case "quantize": {
      maxArgs(n, args, 2);
      if (args[0] === undefined) fail("quantize needs a type, e.g. quantize:Q4_K or quantize:Q8_0");
      if (args[1] !== undefined && args[1].toLowerCase() !== "f32-fallback") fail(`unknown option "${args[1]}" (the only option is f32-fallback)`);
      return { name: n, type: parseQuantType(args[0]), f32Fallback: args[1] !== undefined };
    }
    case "permute":
    case "rotate":
      maxArgs(n, args, 0);
      return { name: n };
    case "scale":
      maxArgs(n, args, 1);
      return { name: n, sigma: args[0] === undefined ? 0.5 : num(args[0], "sigma", 0, 5, { exclusiveLo: true }) };
    case "rename": {
      maxArgs(n, args, 1);
      const s = (args[0] ?? "transformer-h").toLowerCase();
      const scheme: NamingScheme | undefined = s === "gguf-names" || s === "gguf" ? "gguf" : s === "meta" ? "meta" : s === "transformer-h" ? "transformer-h" : s === "hf" ? "hf" : undefined;
      if (!scheme) fail(`unknown naming scheme "${args[0]}" (meta, transformer-h, gguf-names, hf)`);
      return { name: n, scheme };
    }
    case "convert": {
      maxArgs(n, args, 2);
      if (args[0] === undefined) return { name: n };
      const f = args[0].toLowerCase();
      const format: OutputFormat | undefined = f === "hf" || f === "safetensors" ? "hf" : f === "gguf" ? "gguf" : f === "llama2c" || f === "llama2.c" ? "llama2c" : undefined;
      if (!format) fail(`unknown format "${args[0]}" (hf, gguf, llama2c)`);
      let dtype: Dtype | undefined;
      if (args[1] !== undefined) {
        const up = args[1].toUpperCase();
        dtype = up === "F32" ? "F32" : parseQuantType(up, "convert");
      }
      return { name: n, format, dtype };
    }
    case "drop-layers": {
      maxArgs(n, args, 1);
      const a = args[0];
      if (a === undefined) fail("drop-layers needs the layers to drop (e.g. drop-layers:2+3) or a fraction (drop-layers:0.25)");
      if (/^\d*\.\d+$/.test(a)) return { name: n, frac: num(a, "fraction", 0, 1, { exclusiveLo: true }) };
      return { name: n, layers: parseLayerList(a, "drop-layers") };
    }
    case "stack-layers":
      maxArgs(n, args, 1);
      return { name: n, k: args[0] === undefined ? undefined : num(args[0], "k", 0, 1_000_000, { integer: true }) };
    case "reorder-layers": {
      maxArgs(n, args, 1);
      const a = args[0];
      if (a === undefined) fail("reorder-layers needs the new order (e.g. reorder-layers:0+2+1+3) or 'random'");
      return a.toLowerCase() === "random" ? { name: n } : { name: n, order: parseLayerList(a, "reorder-layers") };
    }
    case "prune-width":
    case "prune-hidden":
    case "prune-heads":
      maxArgs(n, args, 1);
      return { name: n, frac: args[0] === undefined ? 0.25 : num(args[0], "fraction", 0, 1, { exclusiveLo: true }) };
    case "vocab-extend":
      maxArgs(n, args, 1);
      if (args[0] === undefined) fail("vocab-extend needs the number of tokens to add, e.g. vocab-extend:64");
      return { name: n, n: num(args[0], "token count", 1, 10_000_000, { integer: true }) };
    case "vocab-trim": {
      maxArgs(n, args, 1);
      const a = args[0];
      if (a === undefined) fail("vocab-trim needs the number of tokens to drop (vocab-trim:1000) or a fraction (vocab-trim:0.1)");
      if (/^\d*\.\d+$/.test(a)) return { name: n, frac: num(a, "fraction", 0, 1, { exclusiveLo: true }) };
      return { name: n, n: num(a, "token count", 1, 10_000_000, { integer: true }) };
    }
    case "moe-upcycle": {
      maxArgs(n, args, 3);
      if (args[0] === undefined) fail("moe-upcycle needs the number of experts, e.g. moe-upcycle:8");
      const experts = num(args[0], "experts", 2, 1024, { integer: true });
      const topk = args[1] === undefined ? Math.min(2, experts) : num(args[1], "top-k", 1, experts, { integer: true });
      return { name: n, experts, topk, noise: args[2] === undefined ? 0.01 : num(args[2], "noise", 0, 10) };
    }
  }
}

function parseDistil(rest: string | undefined): StepSpec {
  const eq = rest?.indexOf("=") ?? -1;
  if (rest === undefined || eq < 0) fail("distil needs <logits|text>=<teacher>, e.g. distil:logits=../teacher or distil:text=../teacher@64");
  const mode = rest.slice(0, eq).trim().toLowerCase();
  if (mode !== "logits" && mode !== "text") fail(`distil: unknown mode "${mode}" (logits, text)`);
  let path = rest.slice(eq + 1).trim();
  let sequences = 48;
  const at = path.lastIndexOf("@");
  if (at >= 0) {
    sequences = num(path.slice(at + 1), "sequences", 1, 100000, { integer: true });
    path = path.slice(0, at).trim();
  }
  if (path === "") fail("distil: missing teacher path after '='");
  return { name: "distil", mode, path, sequences };
}

function parseWithPath(n: "transplant" | "merge", rest: string | undefined): StepSpec {
  const eq = rest?.indexOf("=") ?? -1;
  if (rest === undefined || eq < 0) {
    fail(n === "transplant" ? "transplant needs <component>=<path>, e.g. transplant:layers.0+1=../other or transplant:embed=../other" : "merge needs <method>=<path>, e.g. merge:linear=../other or merge:slerp=../other@0.3");
  }
  const left = rest.slice(0, eq).trim();
  let right = rest.slice(eq + 1).trim();
  if (n === "transplant") {
    if (right === "") fail("transplant: missing path after '='");
    return { name: n, component: parseComponent(left), path: right };
  }
  const method = left.toLowerCase();
  if (!["linear", "slerp", "ties"].includes(method)) fail(`unknown merge method "${left}" (linear, slerp, ties)`);
  let weights: number[] | undefined;
  const at = /@([^@]*)$/.exec(right);
  if (at) {
    weights = (at[1] as string).split("+").map((w) => num(w.trim(), "merge weight", 0, 1000));
    right = right.slice(0, at.index);
  }
  const paths = right.split("+").map((s) => s.trim());
  if (paths.some((s) => s === "")) fail("merge: empty path (paths are joined with '+')");
  const m = method as MergeMethod;
  if (m === "slerp" && paths.length !== 1) fail("slerp merges the model with exactly one other");
  if (weights) {
    const expect = m === "linear" ? [paths.length + 1] : m === "ties" ? [paths.length] : [1, 2];
    if (!expect.includes(weights.length)) {
      fail(m === "linear" ? `linear merge takes ${paths.length + 1} weights (this model first, then each path)` : m === "ties" ? `ties merge takes ${paths.length} weights (one per path's task vector)` : "slerp takes one weight t (the share of the other model) or two (this model, the other)");
    }
    if (weights.every((w) => w === 0)) fail("merge weights are all zero");
  }
  return { name: n, method: m, paths, weights };
}

function parseComponent(s: string): TransplantComponent {
  const c = s.toLowerCase();
  if (c === "embed" || c === "embed_tokens") return { kind: "embed" };
  if (c === "head" || c === "lm_head") return { kind: "head" };
  if (c === "embeddings") return { kind: "embeddings" };
  if (c === "final_norm" || c === "norm") return { kind: "final_norm" };
  const m = /^layers?\.(.+)$/.exec(c);
  if (m) return { kind: "layers", layers: parseLayerList(m[1] as string, "transplant") };
  fail(`unknown component "${s}" (embed, head, embeddings, final_norm, layers.<i+j+...>)`);
}
