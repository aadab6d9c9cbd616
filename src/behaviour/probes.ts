/**
 * @module behaviour/probes
 * The built-in probe texts of the behavioural test: short texts in several domains (prose, technical
 * help, program source, manual pages, dialogue, data), all written for pedigree (no third-party text),
 * ASCII only, each under 128 bytes so that one fits the context of the smallest models. A probe text
 * is the test's unit of replication (a block): its positions are never treated as independent of one
 * another. The set is versioned: changing one byte makes a new version, and a behavioural result
 * names the version it used.
 */
import { readFileSync } from "node:fs";
import { BadInputError } from "../errors.js";

export interface ProbeText {
  domain: string;
  text: string;
}

export interface ProbeSet {
  /** "builtin-v1", or the file a custom set came from. */
  version: string;
  texts: ProbeText[];
}

export const PROBES_VERSION = "builtin-v1";

const BUILTIN: Array<[string, string[]]> = [
  ["prose", [
    "The old bridge over the river was closed for repairs, so the farmers drove their carts the long way round through the village.",
    "When the rain stopped, the children ran outside to look for snails on the garden wall, counting each one they found.",
    "She kept a small notebook in her coat pocket and wrote down the names of the birds she saw on her walk to work.",
    "Every winter the lake froze over, and the whole town came out on the first clear Sunday to skate until dark.",
    "He had never baked bread before, but the recipe seemed simple enough: flour, water, salt, yeast and a lot of patience.",
  ]],
  ["help", [
    "To save the current file, type the write command followed by Enter. If the file is read-only, add an exclamation mark.",
    "The option 'wrap' controls whether long lines are shown on several screen lines. It is on by default; see also 'textwidth'.",
    "Use the search command to find a pattern. Press n to jump to the next match and N to jump back to the previous one.",
    "A buffer is the in-memory text of a file. A window is a view on a buffer. Several windows may show the same buffer.",
    "Registers hold text that was deleted or copied. The unnamed register is used when no register name is given.",
  ]],
  ["code", [
    "def mean(values):\n    total = 0\n    for v in values:\n        total += v\n    return total / len(values)\n",
    "import os\n\ndef list_files(path):\n    return [name for name in os.listdir(path) if not name.startswith('.')]\n",
    "class Counter:\n    def __init__(self):\n        self.count = 0\n\n    def increment(self, step=1):\n        self.count += step\n",
    "for i in range(10):\n    if i % 2 == 0:\n        print(i, 'is even')\n    else:\n        print(i, 'is odd')\n",
    "try:\n    value = int(text)\nexcept ValueError:\n    value = None\nif value is None:\n    raise SystemExit(1)\n",
  ]],
  ["manual", [
    "NAME\n    sortlines - sort the lines of a file\nSYNOPSIS\n    sortlines [-r] [-n] [file ...]\nDESCRIPTION\n",
    "-r, --reverse\n    reverse the result of comparisons\n-n, --numeric\n    compare according to string numerical value\n",
    "EXIT STATUS\n    The command exits 0 on success, and >0 if an error occurs or the input file cannot be read.\n",
    "ENVIRONMENT\n    HOME   the user's home directory\n    PATH   the list of directories searched for commands\n",
    "SEE ALSO\n    The full documentation is kept as a manual; if the info program is installed, run it to read it.\n",
  ]],
  ["dialogue", [
    "\"Where are you going?\" asked the girl.\n\"To the market,\" said her brother. \"Mother needs eggs and a loaf.\"\n",
    "\"Is it far?\" the boy asked. \"Not very,\" the old man said, \"but the road is steep, so walk slowly.\"\n",
    "Tom looked at the sky. \"It will rain soon,\" he said. Anna laughed. \"You always say that, and it never does.\"\n",
    "\"Can I help you?\" said the shopkeeper. \"Yes, please. I would like two apples and a small bag of nuts.\"\n",
    "The cat sat by the door. \"Do you want to go out?\" Lily asked. The cat looked at her and did not move.\n",
  ]],
  ["data", [
    "Monday 12 degrees, Tuesday 14 degrees, Wednesday 11 degrees, Thursday 9 degrees, Friday 13 degrees.",
    "1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765, 10946",
    "name,age,city\nalice,34,paris\nbob,29,london\ncarol,41,berlin\ndave,25,madrid\n",
    "January February March April May June July August September October November December",
    "apples: 4\noranges: 7\nbananas: 12\npears: 3\nplums: 9\ngrapes: 15\ncherries: 20\n",
  ]],
];

/** The built-in probe set (30 texts in 6 domains). */
export function builtinProbes(): ProbeSet {
  return { version: PROBES_VERSION, texts: BUILTIN.flatMap(([domain, texts]) => texts.map((text) => ({ domain, text }))) };
}

/** Probe texts are kept short: a file of them is read whole, so cap it. */
const MAX_PROBE_FILE_BYTES = 4 * 1024 * 1024;
const MAX_PROBES = 10000;

/**
 * A probe set from a file: one text per line (JSON-string lines, i.e. starting with a double quote,
 * are decoded so that texts can hold newlines); blank lines and lines starting with # are skipped.
 */
export function readProbes(path: string): ProbeSet {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new BadInputError(path, `cannot read the probe file: ${(e as Error).message}`);
  }
  if (raw.length > MAX_PROBE_FILE_BYTES) throw new BadInputError(path, `the probe file is ${raw.length} bytes, more than ${MAX_PROBE_FILE_BYTES}`);
  const texts: ProbeText[] = [];
  raw.toString("utf8").split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.startsWith("#")) return;
    let text = line;
    if (line.startsWith("\"")) {
      try {
        text = JSON.parse(line) as string;
      } catch {
        throw new BadInputError(path, `line ${i + 1} starts with a double quote but is not a JSON string`);
      }
      if (typeof text !== "string") throw new BadInputError(path, `line ${i + 1} is not a JSON string`);
    }
    texts.push({ domain: "file", text });
  });
  if (texts.length < 2) throw new BadInputError(path, `the probe file holds ${texts.length} text(s); the test needs at least 2 (each text is one block)`);
  if (texts.length > MAX_PROBES) throw new BadInputError(path, `the probe file holds ${texts.length} texts, more than ${MAX_PROBES}`);
  return { version: path, texts };
}
