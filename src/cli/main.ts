/**
 * @module cli/main
 * The `pedigree` command line: one subcommand per file in commands/. Every error becomes one line on
 * stderr naming the file and the problem, and exit code 2; nothing else prints a stack trace.
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
import { registerMark } from "./commands/mark.js";
import { registerRecipients } from "./commands/recipients.js";
import { registerTrace } from "./commands/trace.js";
import { EXIT } from "./exit-codes.js";
import { VERSION } from "../version.js";

export function buildProgram(): Command {
  const program = new Command("pedigree")
    .description("where a model's weights came from")
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
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
  return program;
}

function message(e: unknown): string {
  if (e instanceof PedigreeError) return e.oneLine();
  if (e instanceof RangeError && /Array buffer allocation|Invalid typed array length/.test(e.message)) return `out of memory: ${e.message}`;
  return `internal error: ${e instanceof Error ? e.message : String(e)}`;
}

export async function main(argv: string[]): Promise<number> {
  process.exitCode = EXIT.clean;
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? EXIT.clean);
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.clean : EXIT.error;
    }
    process.stderr.write(`pedigree: ${message(e)}\n`);
    if (process.env.PEDIGREE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return EXIT.error;
  }
}
