/**
 * One comparison in a fresh process, for bench/compare.ts: prints timings, the verdict and the peak
 * resident memory of this process as one JSON line.
 */
import { compare } from "../../src/compare.js";

const [a, b] = process.argv.slice(2) as [string, string];
const t = performance.now();
const r = compare(a, b);
const seconds = (performance.now() - t) / 1000;
process.stdout.write(`${JSON.stringify({ a, b, seconds, verdict: r.verdict, log10p: r.logP / Math.LN10, frame: r.frame.kind, layers: r.layerMap.filter((l) => l.a !== null).length, timings: r.timings, peakRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
