/**
 * The README's command table and every command's --help agree: each command in the table exists,
 * every command exists in the table, and every option the table shows is one the command's help
 * lists. Every --help has an example and fits 80 columns.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildProgram } from "../../src/cli/main.js";
import { REPO } from "../../src/test-support/shared.js";

function readmeRows(): Array<{ commands: string[]; options: string[] }> {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("## Commands"), readme.indexOf("\n\n", readme.indexOf("| command | what it does |")));
  return table.split("\n").filter((l) => l.startsWith("| `pedigree ")).map((l) => {
    const usage = (l.split("|")[1] ?? "") + (l.split("|").slice(2, -2).join("|"));
    const first = l.slice(2, l.indexOf(" |", 2));
    const commands = [...first.matchAll(/`(?:pedigree )?([a-z]+)[^`]*`/g)].map((m) => m[1] as string);
    const options = [...new Set([...usage.matchAll(/(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])\b/g)].map((m) => m[1] as string))];
    return { commands, options };
  });
}

test("README command table and --help agree", () => {
  const program = buildProgram();
  const byName = new Map(program.commands.map((c) => [c.name(), c]));
  const rows = readmeRows();
  const inReadme = new Set(rows.flatMap((r) => r.commands));
  for (const name of byName.keys()) assert.ok(inReadme.has(name), `'${name}' is missing from the README command table`);
  for (const row of rows) {
    for (const name of row.commands) {
      const cmd = byName.get(name);
      assert.ok(cmd, `README names a command that does not exist: ${name}`);
    }
    const helps = row.commands.map((n) => byName.get(n)?.helpInformation() ?? "").join("\n");
    for (const opt of row.options) assert.ok(new RegExp(`(^|[\\s,])${opt}\\b`, "m").test(helps), `README shows ${opt} for ${row.commands.join("/")}, its --help does not`);
  }
});

test("every --help fits 80 columns, marks required options and shows an example", () => {
  const program = buildProgram();
  for (const cmd of program.commands) {
    const out: string[] = [];
    cmd.configureOutput({ writeOut: (t) => out.push(t), writeErr: (t) => out.push(t) });
    cmd.outputHelp();
    const help = out.join("");
    for (const line of help.split("\n")) assert.ok(line.length <= 80, `${cmd.name()} --help: ${line.length} columns: ${line}`);
    assert.match(help, /\nExamples?:\n {2}(\$ )?pedigree /, `${cmd.name()} --help has no example`);
  }
  // an option's entry: its line and the continuation lines under it
  const entry = (help: string, opt: string) => help.split(/\n(?= {2}-)/).find((b) => b.trimStart().startsWith(`${opt} `)) ?? "";
  const register = program.commands.find((c) => c.name() === "register")?.helpInformation() ?? "";
  for (const opt of ["--name", "--owner", "--tier", "--license"]) assert.match(entry(register, opt), /\(required\)/, `register ${opt} not marked required`);
  assert.doesNotMatch(entry(register, "--notes"), /\(required\)/);
});
