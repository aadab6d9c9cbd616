/**
 * @module forge/steps/distil
 * `distil:<logits|text>=<teacher>[@sequences]`: the model (usually a fresh `--synthesize` one) gets
 * a new head fitted to imitate the teacher (forge/distil.ts) and the teacher's tokenizer. The
 * teacher is recorded as a parent with role "teacher": it lends no weights (every component keeps
 * its lineage; the head starts a new one), so by weights the student is independent of it, and by
 * behaviour it is the teacher's student. Holds the model in memory (small models).
 */
import { UsageError } from "../../errors.js";
import { materialize } from "../../model/materialize.js";
import { distilHead } from "../distil.js";
import { fromArray } from "../tensor-ops.js";
import type { StepFn } from "../types.js";

export const distil: StepFn<{ name: "distil"; mode: "logits" | "text"; path: string; sequences: number }> = (draft, spec, _rng, ctx) => {
  const teacher = ctx.open(spec.path, "teacher");
  const tv = teacher.model.params.vocab;
  if (draft.params.vocab !== tv) throw new UsageError(`distil: the model's vocabulary has ${draft.params.vocab} tokens, the teacher's (${spec.path}) ${tv}`);
  if (!teacher.model.tokens) throw new UsageError(`distil: the teacher ${spec.path} has no tokenizer to sample text with`);
  const tokens = teacher.model.tokens;
  const student = materialize({ ...draft, tokens });
  const r = distilHead(student, teacher.model, { mode: spec.mode, sequences: spec.sequences, seed: ctx.stepSeed });
  const head = fromArray("head", [tv, draft.params.dim], r.head);
  const tensors = draft.tensors.filter((t) => t.key !== "head");
  tensors.push(head);
  return {
    draft: { ...draft, tensors, tokens, params: { ...draft.params, tiedEmbeddings: false } },
    truth: { relation: "distilled", fresh: ["lm_head"], record: { teacher: spec.path, ...r.record } },
  };
};
