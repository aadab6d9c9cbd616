import { runPairs } from "./dev-pairs.case.js";

runPairs((_p, i) => i % 2 === 0);
