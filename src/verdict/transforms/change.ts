/**
 * @module verdict/transforms/change
 * Is the measured weight change more than storage and symmetries explain? A quantized copy differs
 * from its source by the quantizer's error, which is known per type (quantization.ts); a comparison
 * resolves changes only down to its own floor (float rounding, a fitted frame, a fingerprint's int8
 * sketches). A change within both is "no other change" — "identical" only when nothing at all was
 * done (no basis change, no quantization): a rotated copy is not identical to its source. A change
 * beyond them is a fine-tune (or LoRA, or noise) hidden under the quantization.
 *
 * The rule, fixed from the quantizer alone: quantization explains a median relative change rel when
 * rel² <= 2·e² + r² (e: the type's error on bell-shaped rows, r: the comparison's floor) — a
 * fine-tune is claimed only when the change beyond the floor is at least as large again as the
 * quantization error itself, so weights with somewhat heavier tails than a Gaussian (larger block
 * ranges, larger errors) are not mistaken for fine-tunes.
 */
import type { Transform } from "../result.js";
import { expectedQuantError } from "./quantization.js";

/** Kinds that describe the size and shape of the weight change (one per comparison). */
export const CHANGE_KINDS = new Set(["identical", "no-other-change", "fine-tuned", "noise", "low-rank-update", "weights-changed"]);
/** Kinds that change storage or basis, not what the weights compute. */
export const SYMMETRY_KINDS = new Set(["permuted", "rotated", "scaled", "quantized"]);

export interface ChangeBudget {
  /** RMS relative error quantization alone gives (hypot over the quantized sides); null when a type's is unknown. */
  quantization: number | null;
  /** The change not explained by quantization and the floor (0 when explained). */
  beyond: number;
  explained: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(x < 0.01 ? 2 : 1)}%`;

/** What quantization to `types` and a comparison floor `floor` explain of a relative change `rel`. */
export function changeBudget(rel: number, types: readonly string[], floor: number): ChangeBudget {
  let q2 = 0;
  for (const t of types) {
    const e = expectedQuantError(t);
    if (e === null) return { quantization: null, beyond: NaN, explained: false };
    q2 += e * e;
  }
  const explained = rel * rel <= 2 * q2 + floor * floor;
  return { quantization: Math.sqrt(q2), beyond: explained ? 0 : Math.sqrt(Math.max(0, rel * rel - q2)), explained };
}

/** The change transform for weights that are the same up to what `done` (the other transforms) did. */
export function sameWeights(done: readonly Transform[], why: string, values: Transform["values"]): Transform {
  const noun: Record<string, string> = { permuted: "permutation", rotated: "rotation", scaled: "rescaling" };
  const kept = [...new Set(done.filter((t) => SYMMETRY_KINDS.has(t.kind)).map((t) => (t.kind === "quantized" ? `${String(t.values?.type ?? "")} quantization`.trim() : (noun[t.kind] as string))))];
  if (kept.length) return { kind: "no-other-change", detail: `no change beyond the ${kept.join(" and ")}: ${why}`, values };
  if (done.some((t) => t.kind !== "converted")) return { kind: "no-other-change", detail: `the weights B kept are unchanged: ${why}`, values };
  return { kind: "identical", detail: why, values };
}

/** A quantized pair's change: explained by the quantization, or a change hidden under it. */
export function quantizedChange(change: Transform, rel: number, types: readonly string[], floor: number, done: readonly Transform[]): Transform {
  const b = changeBudget(rel, types, floor);
  const values = { ...change.values, ...(b.quantization !== null ? { expectedQuantization: b.quantization, beyondQuantization: b.beyond } : {}) };
  if (b.quantization === null) return { kind: "weights-changed", detail: `weights differ by ${pct(rel)} (the error of ${types.join("/")} is not known here: quantization or a fine-tune)`, values };
  const alone = `${types.join(" and ")} alone gives ${pct(b.quantization)}`;
  if (b.explained) return sameWeights(done, `weights differ by ${pct(rel)}, as ${alone}`, values);
  const kind = change.kind === "low-rank-update" || change.kind === "noise" ? change.kind : "fine-tuned";
  const what = kind === "low-rank-update" ? "low-rank change (LoRA-like)" : kind === "noise" ? "noise" : "dense change";
  return { kind, detail: `${what} under the quantization: weights differ by ${pct(rel)} where ${alone} (about ${pct(b.beyond)} beyond it)`, values };
}
