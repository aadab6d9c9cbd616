/**
 * Preloaded (node --import) into a CLI child by runCliMeasured: on exit, writes the process's peak
 * resident memory (process.resourceUsage().maxRSS, KB) to $PEDIGREE_TEST_RSS_FILE.
 */
import { writeFileSync } from "node:fs";

const rssFile = process.env.PEDIGREE_TEST_RSS_FILE;
if (rssFile) process.on("exit", () => writeFileSync(rssFile, String(process.resourceUsage().maxRSS)));
