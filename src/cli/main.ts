/**
 * @module cli/main
 * The `pedigree` command line: one subcommand per file in commands/, each a thin layer over src/api.
 * Every error becomes one line on stderr naming the file and the problem, and the exit code its
 * PedigreeError code maps to (exit-codes.ts: 2, or 128 + n after signal n); nothing else prints a
 * stack trace.
 */
import { Command, CommanderError } from "commander";
import { PedigreeError } from "../errors.js";
import { registerCompare } from "./commands/compare.js";
import { registerDemo } from "./commands/demo.js";
import { registerForge } from "./commands/forge.js";
import { registerInspect } from "./commands/inspect.js";
import { registerRun } from "./commands/run.js";
import { registerRegister } from "./commands/register.js";
import { registerList } from "./commands/list.js";
import { registerShow } from "./commands/show.js";
import { registerRemove } from "./commands/remove.js";
import { registerExport } from "./commands/export.js";
import { registerImport } from "./commands/import.js";
import { registerScan } from "./commands/scan.js";
import { registerTree } from "./commands/tree.js";
import { registerServe } from "./commands/serve.js";
import { EXIT, exitCodeOf } from "./exit-codes.js";
import { removePartialFilesOnExit } from "./signals.js";
import { registerMark } from "./commands/mark.js";
import { registerRecipients } from "./commands/recipients.js";
import { registerTrace } from "./commands/trace.js";
import { registerRegistry } from "./commands/registry.js";
import { registerIndex } from "./commands/index-source.js";
import { registerWorker } from "./commands/worker.js";
import { VERSION } from "../version.js";
import { errorDocument, versionDocument } from "../report/documents.js";

export function buildProgram(): Command {
  const program = new Command("pedigree")
    .description("where a model's weights came from")
    .version(VERSION)
    .exitOverride()
    // commander's own error text is replaced by one line in main() (usageLine)
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: () => undefined });
  registerInspect(program);
  registerDemo(program);
  registerCompare(program);
  registerForge(program);
  registerRun(program);
  registerRegister(program);
  registerList(program);
  registerShow(program);
  registerRemove(program);
  registerExport(program);
  registerImport(program);
  registerScan(program);
  registerTree(program);
  registerMark(program);
  registerRecipients(program);
  registerTrace(program);
  registerRegistry(program);
  registerIndex(program);
  registerWorker(program);
  registerServe(program);
  for (const cmd of program.commands) {
    // mandatory options say so in the help (commander lists them like any other)
    for (const o of cmd.options) if (o.mandatory && !/\(required\)$/.test(o.description)) o.description = `${o.description} (required)`;
    const example = EXAMPLES[cmd.name()];
    if (example) cmd.addHelpText("after", `\nExample:\n${example.map((l) => `  $ ${l}`).join("\n")}\n`);
  }
  return program;
}

/** One example per command, shown at the end of its --help (serve has its own). */
const EXAMPLES: Record<string, string[]> = {
  inspect: ["pedigree inspect ../shared/models/stories260K/stories260K.gguf --tensors"],
  demo: ["pedigree demo --dir /tmp/pedigree-demo"],
  compare: ["pedigree compare base/ suspect.gguf --html report.html", "pedigree compare A/ B/ --behaviour --controls C1/,C2/ --json", "pedigree compare A/ B/ --behaviour --registry lab.db"],
  forge: ["pedigree forge base/ --steps permute,quantize:Q8_0 --out copy.gguf"],
  run: ["pedigree run stories260K.bin --prompt \"Once upon a time\" --max-tokens 40"],
  register: ["pedigree register base/ --name base --owner lab --tier closed --license mit"],
  list: ["pedigree list --registry lab.db"],
  show: ["pedigree show base --json"],
  remove: ["pedigree remove base --registry lab.db"],
  export: ["pedigree export --out registry.jsonl"],
  import: ["pedigree import registry.jsonl --replace"],
  scan: ["pedigree scan suspect/ --fail-on leak", "pedigree scan suspect/ -o sarif --out findings.sarif"],
  tree: ["pedigree tree -o mermaid"],
  mark: ["pedigree mark m/ --model acme --recipient lab-a --key-file k --out a.gguf"],
  recipients: ["pedigree recipients acme-7b --json"],
  trace: ["pedigree trace leak.gguf --model acme-7b --master acme-7b/ --key-file k.bin"],
  registry: ["pedigree registry copy lab.db postgres://pedigree@db.internal/registry"],
  index: ["pedigree index models/ --registry postgres://db/reg --owner lab --wait", "pedigree index hub+https://hub.example.org/ --registry postgres://db/reg", "pedigree index --sweep 3f2a... --registry postgres://db/reg --json"],
  worker: ["pedigree worker --registry postgres://db/reg --until-idle"],
};

function message(e: unknown): string {
  if (e instanceof PedigreeError) return e.oneLine();
  if (e instanceof RangeError && /Array buffer allocation|Invalid typed array length/.test(e.message)) return `out of memory: ${e.message}`;
  return `internal error: ${e instanceof Error ? e.message : String(e)}`;
}

/** The subcommand argv names (its first word that is a command), for "see 'pedigree <cmd> --help'". */
function commandOf(program: Command, argv: string[]): string | undefined {
  const names = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  return argv.find((a) => names.has(a));
}

/** A usage error as one line: what is wrong, and where the help is. */
function usageLine(e: CommanderError, cmd: string | undefined): string {
  const what = e.message.replace(/^error:\s*/i, "").replace(/\s+/g, " ").trim();
  return `${what}; see 'pedigree ${cmd ? `${cmd} ` : ""}--help'`;
}

/** `pedigree` alone: what it is and the commands, one line each (the full help is --help). */
export function overview(program: Command): string {
  const width = 80;
  const cmds = program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const pad = Math.max(...cmds.map((c) => c.name().length)) + 2;
  // one screen (24 lines) naming every command: no blank lines
  const lines = [`pedigree ${VERSION}: ${program.description()}`, "usage: pedigree <command> [options]", "commands:"];
  for (const c of cmds) {
    const full = c.description().split("\n")[0] ?? "";
    // the description's first clause (before ':' or ';'), which says what the command is for
    const d = /^[^:;]{12,}?(?=[:;])/.exec(full)?.[0] ?? full;
    const room = width - 2 - pad;
    const comma = d.lastIndexOf(", ", room);
    lines.push(`  ${c.name().padEnd(pad)}${d.length <= room ? d : comma > 20 ? d.slice(0, comma) : `${d.slice(0, room - 3)}...`}`);
  }
  lines.push("see 'pedigree <command> --help' for a command's options and an example");
  return lines.join("\n");
}

/** Under --json, errors go to stderr as JSON too: {"schema", "error": {"code", "message", "file"}}. */
function errorJson(code: string, message: string, file?: string): string {
  return `${JSON.stringify(errorDocument(code, message, file))}\n`;
}

/** Whether the command line asks for JSON: --json, or a JSON format (-o json, --format json). */
function wantsJson(argv: string[]): boolean {
  return argv.some((a, i) => a === "--json" || a === "-o=json" || a === "--output=json" || a === "--format=json" || (a === "json" && ["-o", "--output", "--format"].includes(argv[i - 1] ?? "")));
}

export async function main(argv: string[]): Promise<number> {
  process.exitCode = EXIT.clean;
  removePartialFilesOnExit();
  const program = buildProgram();
  const json = wantsJson(argv);
  if (argv.length === 0) {
    process.stdout.write(`${overview(program)}\n`);
    return EXIT.clean;
  }
  if (json && (argv[0] === "--version" || argv[0] === "-V")) {
    process.stdout.write(`${JSON.stringify(versionDocument(VERSION), null, 2)}\n`);
    return EXIT.clean;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? EXIT.clean);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT.clean;
      const line = usageLine(e, commandOf(program, argv));
      process.stderr.write(json ? errorJson("usage", line) : `pedigree: ${line}\n`);
      return EXIT.error;
    }
    if (json) {
      const pe = e instanceof PedigreeError ? e : undefined;
      process.stderr.write(errorJson(pe?.code ?? "internal", pe ? pe.message.replace(/\s+/g, " ").trim() : message(e), pe?.file));
      return exitCodeOf(e);
    }
    process.stderr.write(`pedigree: ${message(e)}\n`);
    if (process.env.PEDIGREE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return exitCodeOf(e);
  }
}
