/**
 * @module forge/truth
 * The ground truth a forge run accumulates step by step: where every component of the output
 * comes from (lineage, as dev-families' truth.json writes it), the chain of relations, the
 * vocabulary map, the quantization type, and per-step records; `finish` turns it into the
 * `truth` and `parents` sections of forge.json.
 */
import type { Dtype } from "../model/dtype.js";
import { RELATION_RANK, type Relation, type TruthUpdate } from "./types.js";

/** One source of a component: [parent index, component name of that parent, merge weight]. */
export interface Origin {
  parent: number;
  component: string;
  weight?: number;
}

export interface ParentInfo {
  /** "teacher": a model whose outputs the step learned from (forge distil); it lends no weights. */
  role: "input" | "transplant" | "merge" | "teacher";
  path: string;
  name?: string;
  format: string;
  architecture: string;
  /** Content identity: sha256 of the first tensor's float32 values. */
  identity: { tensor: string; f32Sha256: string } | null;
  /** Index of the step that brought this parent in (0 for the input). */
  sinceStep: number;
}

const VOCAB_LIST_MAX = 100_000;

export class TruthState {
  readonly lineage = new Map<string, Origin[]>();
  readonly chain: Relation[] = [];
  /** Current token id -> input token id (-1 for added), or null while unchanged. */
  private vocabMap: Int32Array | null = null;
  private added = new Map<number, string>();
  private readonly inputVocab: number;
  readonly quantizations: Array<{ step: number; type: Dtype; tensorTypes: Record<string, string>; f32Fallback: boolean }> = [];
  nLayers: number;

  constructor(
    nLayers: number,
    tied: boolean,
    vocab: number,
    readonly parents: ParentInfo[],
  ) {
    this.nLayers = nLayers;
    this.inputVocab = vocab;
    const from = parents.length ? 0 : -1;
    const o = (component: string): Origin[] => (from < 0 ? [] : [{ parent: from, component }]);
    this.lineage.set("embed", o("embed"));
    for (let l = 0; l < nLayers; l++) this.lineage.set(`layer.${l}`, o(`layer.${l}`));
    this.lineage.set("final_norm", o("final_norm"));
    this.lineage.set("lm_head", o(tied ? "embed" : "lm_head"));
  }

  apply(step: number, u: TruthUpdate): void {
    this.chain.push(u.relation);
    if (u.layers) {
      const old = new Map(this.lineage);
      for (let l = 0; l < this.nLayers; l++) this.lineage.delete(`layer.${l}`);
      u.layers.forEach((src, l) => this.lineage.set(`layer.${l}`, (old.get(`layer.${src}`) ?? []).map((x) => ({ ...x }))));
      this.nLayers = u.layers.length;
    }
    if (u.untiedHead) this.lineage.set("lm_head", (this.lineage.get("lm_head") ?? []).map((x) => ({ ...x })));
    const c = u.components;
    if (c?.kind === "transplant") {
      for (const { target, source } of c.components) this.lineage.set(target, [{ parent: c.parent, component: source }]);
    } else if (c?.kind === "merge") {
      for (const [comp, origins] of this.lineage) {
        const merged = origins.map((x) => ({ ...x, weight: (x.weight ?? 1) * c.selfWeight }));
        for (const p of c.parents) merged.push({ parent: p.parent, component: comp, weight: p.weight });
        this.lineage.set(comp, merged);
      }
    }
    if (u.vocab) {
      const prev = this.vocabMap;
      const map = new Int32Array(u.vocab.map.length);
      const added = new Map<number, string>();
      u.vocab.map.forEach((old, id) => {
        map[id] = old < 0 ? -1 : prev ? (prev[old] as number) : old;
        if (old < 0) added.set(id, u.vocab?.added.get(id) ?? "");
        else if (prev && (prev[old] as number) < 0) added.set(id, this.added.get(old) ?? "");
      });
      this.vocabMap = map;
      this.added = added;
    }
    if (u.quantization) this.quantizations.push({ step, ...u.quantization });
    for (const c of u.fresh ?? []) this.lineage.set(c, []);
  }

  /** The relation of the output to parent `p`: its introducing step and everything after. */
  relationTo(p: number): Relation | "independent" {
    const info = this.parents[p];
    if (!info) return "independent";
    const shares = [...this.lineage.values()].some((os) => os.some((o) => o.parent === p));
    if (!shares) return "independent";
    const sub = this.chain.slice(info.sinceStep);
    if (info.role === "input") {
      const real = sub.filter((r) => r !== "format" && r !== "identical");
      if (real.length === 0) return sub.includes("format") ? "format" : "identical";
      if (real.length >= 2 && real.every((r) => r === "finetune" || r === "lora")) return "grandchild";
      return mostStructural(real);
    }
    return mostStructural(sub);
  }

  layerMapTo(p: number): Record<string, number | number[] | null> {
    const out: Record<string, number | number[] | null> = {};
    for (let l = 0; l < this.nLayers; l++) {
      const src = (this.lineage.get(`layer.${l}`) ?? []).filter((o) => o.parent === p && o.component.startsWith("layer.")).map((o) => Number(o.component.slice(6)));
      const uniq = [...new Set(src)];
      out[String(l)] = uniq.length === 0 ? null : uniq.length === 1 ? (uniq[0] as number) : uniq;
    }
    return out;
  }

  componentsOf(p: number): { shared: string[]; independent: string[] } {
    const shared: string[] = [];
    const independent: string[] = [];
    for (const [comp, os] of this.lineage) (os.some((o) => o.parent === p) ? shared : independent).push(comp);
    return { shared, independent };
  }

  vocabRecord(size: number, tokens?: string[]): Record<string, unknown> | null {
    const map = this.vocabMap;
    if (!map) return null;
    const kept: Array<[number, number, number]> = [];
    const seen = new Uint8Array(this.inputVocab);
    for (let id = 0; id < map.length; id++) {
      const old = map[id] as number;
      if (old < 0) continue;
      seen[old] = 1;
      const last = kept[kept.length - 1];
      if (last && last[0] + last[2] === id && last[1] + last[2] === old) last[2]++;
      else kept.push([id, old, 1]);
    }
    const removed: Array<[number, number]> = [];
    for (let i = 0; i < this.inputVocab; i++) {
      if (seen[i]) continue;
      const last = removed[removed.length - 1];
      if (last && last[0] + last[1] === i) last[1]++;
      else removed.push([i, 1]);
    }
    const addedIds = [...this.added.keys()].sort((a, b) => a - b);
    return {
      parentSize: this.inputVocab,
      size,
      kept: { note: "[outputStart, parentStart, count] runs", runs: kept },
      removed: { note: "[parentStart, count] runs", runs: removed, count: removed.reduce((a, r) => a + r[1], 0) },
      added: {
        count: addedIds.length,
        tokens: addedIds.length <= VOCAB_LIST_MAX ? addedIds.map((id) => ({ id, token: tokens?.[id] ?? this.added.get(id) ?? "" })) : undefined,
      },
    };
  }

  lineageRecord(ids: string[]): Record<string, Array<[string, string] | [string, string, number]>> {
    const out: Record<string, Array<[string, string] | [string, string, number]>> = {};
    const order = (c: string) => (c === "embed" ? -1 : c.startsWith("layer.") ? Number(c.slice(6)) : c === "final_norm" ? 1e9 : 1e9 + 1);
    for (const [comp, os] of [...this.lineage].sort((a, b) => order(a[0]) - order(b[0]))) {
      out[comp] = os.map((o) => (o.weight === undefined ? [ids[o.parent] ?? "?", o.component] : [ids[o.parent] ?? "?", o.component, round(o.weight)]));
    }
    return out;
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function mostStructural(rs: Relation[]): Relation {
  let best: Relation = "identical";
  for (const r of rs) if (RELATION_RANK.indexOf(r) > RELATION_RANK.indexOf(best)) best = r;
  return best;
}
