/**
 * @module formats/pytorch/state-dict
 * Where the model's weights sit inside a checkpoint: the top-level dict itself (torch.save(model.state_dict())),
 * or a nested one (nanoGPT/llama2.c `{"model": ...}`, `{"model_state": ...}`, Lightning `{"state_dict": ...}`,
 * DeepSpeed `{"module": ...}`). Optimizer state is never taken for the model: its keys are excluded,
 * and its per-parameter dicts are keyed by integers, not parameter names.
 */
import { PyDict, PyTensor, type PyValue } from "./py-values.js";

/** Keys that name the model's weights, best first. */
const PREFERRED = ["model", "model_state", "model_state_dict", "state_dict", "module", "net", "network", "weights", "params", "params_ema", "ema", "model_ema"];
/** Keys never searched: training state that is full of tensors but not the model. */
const EXCLUDED = /optim|sched|scaler|lr_|grad|momentum|rng/i;
const SEARCH_DEPTH = 3;

export interface StateDictChoice {
  dict: PyDict;
  /** Keys from the top level down to it; empty when the top level is the state dict. */
  path: string[];
}

/** String-keyed tensor entries of a dict. */
function tensorEntries(d: PyDict): number {
  let n = 0;
  for (const [k, v] of d.map) if (typeof k === "string" && v instanceof PyTensor) n++;
  return n;
}

/** Entries named like parameters ("...weight", "...bias", "a.b.c"). */
function paramLike(d: PyDict): number {
  let n = 0;
  for (const [k, v] of d.map) if (typeof k === "string" && v instanceof PyTensor && /(^|\.)(weight|bias)$|\./.test(k)) n++;
  return n;
}

/** A dict that is mostly name -> tensor. */
function isStateDict(d: PyDict): boolean {
  const n = tensorEntries(d);
  return n > 0 && n * 2 >= d.map.size;
}

export function findStateDict(root: PyValue): StateDictChoice | undefined {
  if (!(root instanceof PyDict)) return undefined;
  if (isStateDict(root)) return { dict: root, path: [] };
  const found: (StateDictChoice & { score: number[] })[] = [];
  const seen = new Set<PyDict>([root]); // each dict once, however often the pickle's memo shares it
  const walk = (d: PyDict, path: string[]): void => {
    if (path.length >= SEARCH_DEPTH) return;
    for (const [k, v] of d.map) {
      if (typeof k !== "string" || !(v instanceof PyDict) || EXCLUDED.test(k) || seen.has(v)) continue;
      seen.add(v);
      const here = [...path, k];
      if (!isStateDict(v)) {
        walk(v, here);
        continue;
      }
      const pref = PREFERRED.indexOf(k);
      found.push({ dict: v, path: here, score: [pref < 0 ? PREFERRED.length : pref, -paramLike(v), -tensorEntries(v)] });
    }
  };
  walk(root, []);
  const cmp = (a: number[], b: number[]): number => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
    return 0;
  };
  found.sort((a, b) => cmp(a.score, b.score));
  const best = found[0];
  return best && { dict: best.dict, path: best.path };
}

/**
 * Undo wrappers' name prefixes: torch.compile's `_orig_mod.` and DataParallel/DDP's `module.`. A prefix is
 * removed only when every name carries it, so a model that merely has a submodule called "module" keeps its names.
 */
export function stripWrapperPrefixes(names: readonly string[]): string[] {
  let out = [...names];
  for (;;) {
    const prefix = ["_orig_mod.", "module."].find((p) => out.length > 0 && out.every((n) => n.startsWith(p) && n.length > p.length));
    if (prefix === undefined) return out;
    out = out.map((n) => n.slice(prefix.length));
  }
}
