/**
 * `npm run bench:null`: p-values of independently synthesized model pairs (equal shapes, different
 * seeds) — the calibration figures quoted in release notes. Prints the fraction at or below each
 * level (calibrated: <= the level) and a histogram of log10 p.
 * Run: npm run bench:null [-- PAIRS] [--rotation-coords N]  (N: rotations by the wide-model estimator
 * onto N coordinates, to calibrate that path on small models) [--other-widths] (pairs of different
 * residual widths, half of them residual-pruned copies of a third model: the partial frame's null)
 */
import { nullPValues, nullPValuesOtherWidths } from "../src/test-support/null-pairs.js";

const args = process.argv.slice(2);
const at = args.indexOf("--rotation-coords");
const rotationCoords = at >= 0 ? Number(args[at + 1]) : undefined;
const n = Number(args.find((x, i) => /^\d+$/.test(x) && args[i - 1] !== "--rotation-coords") ?? 200);
const t = performance.now();
const r = args.includes("--other-widths") ? nullPValuesOtherWidths(n) : nullPValues(n, rotationCoords);
const secs = (performance.now() - t) / 1000;
console.log(`${n} independent pairs in ${secs.toFixed(1)} s; derived: ${r.filter((x) => x.verdict === "derived").length}; verdicts: ${JSON.stringify(Object.fromEntries(["independent", "inconclusive", "derived"].map((v) => [v, r.filter((x) => x.verdict === v).length])))}`);
console.log("level    P(p <= level)");
for (const a of [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1]) {
  console.log(`${String(a).padEnd(8)} ${(r.filter((x) => x.log10p <= Math.log10(a) + 1e-12).length / n).toFixed(3)}`);
}
const min = Math.min(...r.map((x) => x.log10p));
console.log(`smallest p: 1e${min.toFixed(2)}`);
