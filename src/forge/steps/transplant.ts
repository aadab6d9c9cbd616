/**
 * @module forge/steps/transplant
 * `transplant:<component>=<path>`: components taken from another model — the embedding, the head,
 * both (`embeddings`), the final norm, or chosen layers (`layers.0+1`: layer i from the other
 * model's layer i). Shapes must match exactly. A tied head follows a transplanted embedding; a
 * transplanted head unties it. The donor's values stream from its file.
 */
import { UsageError } from "../../errors.js";
import { draftOf, type DraftTensor } from "../../model/draft.js";
import { parseKey } from "../../model/roles.js";
import { renamed } from "../tensor-ops.js";
import type { StepFn, TransplantComponent } from "../types.js";
import { byKey } from "./common.js";

function describe(c: TransplantComponent): string {
  return c.kind === "layers" ? `layers.${c.layers.join("+")}` : c.kind;
}

export const transplant: StepFn<{ name: "transplant"; component: TransplantComponent; path: string }> = (draft, spec, _rng, ctx) => {
  const p = draft.params;
  const c = spec.component;
  if (c.kind === "layers") {
    const bad = c.layers.filter((l) => l >= p.nLayers);
    if (bad.length) throw new UsageError(`transplant: the model has ${p.nLayers} layers; there is no layer ${bad.join(", ")}`);
  }
  const donor = ctx.open(spec.path, "transplant");
  const dd = draftOf(donor.model);
  const theirs = byKey(dd);
  const mine = byKey(draft);
  const replace = new Map<string, DraftTensor>();
  const targets: Array<{ target: string; source: string }> = [];
  let untie = false;
  const take = (key: string, from: string, shape: number[]) => {
    const t = theirs.get(from);
    if (!t) throw new UsageError(`transplant:${describe(c)}: ${spec.path} has no tensor ${from}`);
    if (t.shape.join("x") !== shape.join("x")) {
      throw new UsageError(`transplant:${describe(c)}: ${spec.path}'s ${from} is [${t.shape.join(", ")}], this model's ${key} is [${shape.join(", ")}]`);
    }
    replace.set(key, renamed(t, key));
  };
  const embedShape = mine.get("embed")?.shape;
  const tied = p.tiedEmbeddings || !mine.has("head");
  const donorTied = dd.params.tiedEmbeddings || !theirs.has("head");
  if (c.kind === "embed" || c.kind === "embeddings") {
    if (!embedShape) throw new UsageError("transplant: this model has no embedding");
    take("embed", "embed", embedShape);
    targets.push({ target: "embed", source: "embed" });
    if (tied && c.kind === "embed") targets.push({ target: "lm_head", source: "embed" });
  }
  if (c.kind === "head" || c.kind === "embeddings") {
    const shape = mine.get("head")?.shape ?? embedShape;
    if (!shape) throw new UsageError("transplant: this model has no head");
    take("head", donorTied ? "embed" : "head", shape);
    targets.push({ target: "lm_head", source: donorTied ? "embed" : "lm_head" });
    if (tied) untie = true;
  }
  if (c.kind === "final_norm") {
    const t = mine.get("final_norm");
    if (!t) throw new UsageError("transplant: this model has no final norm");
    take("final_norm", "final_norm", t.shape);
    targets.push({ target: "final_norm", source: "final_norm" });
  }
  if (c.kind === "layers") {
    for (const l of c.layers) {
      const ours = draft.tensors.filter((t) => parseKey(t.key).layer === l);
      const theirsL = dd.tensors.filter((t) => parseKey(t.key).layer === l);
      const a = ours.map((t) => t.key).sort().join(",");
      const b = theirsL.map((t) => t.key).sort().join(",");
      if (a !== b) throw new UsageError(`transplant:${describe(c)}: layer ${l} of ${spec.path} has other tensors than this model's (${theirsL.length} vs ${ours.length})`);
      for (const t of ours) take(t.key, t.key, t.shape);
      targets.push({ target: `layer.${l}`, source: `layer.${l}` });
    }
  }
  const tensors = draft.tensors.map((t) => replace.get(t.key) ?? t);
  if (untie && !mine.has("head")) tensors.push(replace.get("head") as DraftTensor);
  let tokenNote: string | undefined;
  if ((c.kind === "embed" || c.kind === "head" || c.kind === "embeddings") && draft.tokens && dd.tokens) {
    const diff = draft.tokens.tokens.filter((t, i) => dd.tokens?.tokens[i] !== t).length;
    if (diff) tokenNote = `${diff} token strings differ between the models; the output keeps this model's vocabulary`;
  }
  return {
    draft: { ...draft, params: { ...p, tiedEmbeddings: p.tiedEmbeddings && !untie }, tensors },
    truth: {
      relation: c.kind === "layers" ? "partial" : "component",
      components: { kind: "transplant", parent: donor.index, components: targets },
      untiedHead: untie || undefined,
      record: { component: describe(c), from: spec.path, ...(tokenNote ? { note: tokenNote } : {}) },
    },
  };
};
