/**
 * The CLI as a child process that also reports its peak memory: with PEDIGREE_TEST_RSS_FILE set,
 * writes process.resourceUsage().maxRSS (KB) there on exit, so tests can bound what an input costs.
 */
import { writeFileSync } from "node:fs";
import { main } from "../cli/main.js";

const rssFile = process.env.PEDIGREE_TEST_RSS_FILE;
if (rssFile) process.on("exit", () => writeFileSync(rssFile, String(process.resourceUsage().maxRSS)));
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
