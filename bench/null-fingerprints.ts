/**
 * `npm run bench:null-fp`: p-values of the registry's routes on independently synthesized pairs —
 * a fingerprint against a fingerprint, and a fingerprint against the other model's weights — for
 * whole-row fingerprints (narrow models) and for anchor descriptors (wide models' route, forced on
 * narrow models so that hundreds of pairs run in minutes). Calibrated: P(p <= a) <= a.
 * Run: npm run bench:null-fp [-- PAIRS]
 */
import { nullFingerprintPValues } from "../src/test-support/null-pairs.js";

const n = Number(process.argv.slice(2).find((x) => /^\d+$/.test(x)) ?? 200);
for (const space of ["rows", "anchors"] as const) {
  const t = performance.now();
  const r = nullFingerprintPValues(n, space);
  const secs = (performance.now() - t) / 1000;
  console.log(`\n${space === "rows" ? "whole rows" : "anchor descriptors"}: ${n} independent pairs in ${secs.toFixed(1)} s`);
  console.log("level    fp vs fp   fp vs weights");
  for (const a of [0.001, 0.01, 0.05, 0.1, 0.25, 0.5]) {
    const at = (k: "fp" | "weights") => (r.filter((x) => x[k].log10p <= Math.log10(a) + 1e-12).length / n).toFixed(3);
    console.log(`${String(a).padEnd(8)} ${at("fp").padEnd(10)} ${at("weights")}`);
  }
  const count = (k: "fp" | "weights", v: string) => r.filter((x) => x[k].verdict === v).length;
  console.log(`derived: fp ${count("fp", "derived")}, weights ${count("weights", "derived")}; inconclusive: fp ${count("fp", "inconclusive")}, weights ${count("weights", "inconclusive")}`);
  console.log(`smallest p: fp 1e${Math.min(...r.map((x) => x.fp.log10p)).toFixed(2)}, weights 1e${Math.min(...r.map((x) => x.weights.log10p)).toFixed(2)}`);
}
