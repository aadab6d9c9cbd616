/**
 * The child process of the kill test (kill.test.ts), not a test itself:
 *   node --import tsx test/registry/kill-writer.ts <registry.db> <export.jsonl> <prefix>
 * Writes to the registry as fast as it can until it is killed: registers the export's models over
 * and over under new names (`<prefix>-<i>`), removes every fourth one again, and every fifth step
 * re-imports the whole export with replace (a multi-model transaction). Before each write it prints
 * `begin ...`, after each commit `ok <name> <source index>` / `rm <name>` / `import`, so the parent
 * knows what must have survived the kill.
 */
import { importRegistry, parseModelLine } from "../../src/registry/import.js";
import { readLines } from "../../src/registry/lines.js";
import { openRegistry } from "../../src/registry/open.js";
import { insertModel, remove } from "../../src/registry/store.js";

const [registry, exportFile, prefix] = process.argv.slice(2) as [string, string, string];
const sources = [...readLines(exportFile)].slice(1).map(([n, text]) => parseModelLine(JSON.parse(text), `${exportFile}:${n}`));
const out = (line: string) => process.stdout.write(`${line}\n`);

const db = openRegistry(registry);
out("ready");
for (let i = 0; ; i++) {
  const k = i % sources.length;
  const src = sources[k] as (typeof sources)[number];
  const name = `${prefix}-${i}`;
  out(`begin ${name}`);
  db.transaction(() => insertModel(db, src.stored, { ...src.meta, name }, new Date().toISOString())).immediate();
  out(`ok ${name} ${k}`);
  if (i % 4 === 3) {
    const victim = `${prefix}-${i - 2}`;
    out(`begin-rm ${victim}`);
    remove(db, victim);
    out(`rm ${victim}`);
  }
  if (i % 5 === 4) {
    out("begin-import");
    importRegistry(db, exportFile, { replace: true });
    out("import");
  }
}
