/**
 * Import checks every line and is all or nothing: bad JSON, a missing or newer header, a newer
 * fingerprint version (declared or inside a part), bad base64, a part that does not decode, an
 * unknown or missing part, a name twice — each refused with `file:line`, the registry unchanged.
 */
import { FINGERPRINT_VERSION } from "../../src/fingerprint/types.js";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BadInputError } from "../../src/errors.js";
import { exportLines, type ExportedModel } from "../../src/registry/export.js";
import { importRegistry } from "../../src/registry/import.js";
import { openRegistry } from "../../src/registry/open.js";
import { count, list, register } from "../../src/registry/store.js";
import { verifyRegistry } from "../../src/registry/verify.js";
import { sharedPath } from "../../src/test-support/shared.js";
import { tempDir } from "../../src/test-support/tmp.js";
import { fingerprintOf, metaFor, newRegistryPath } from "./support.js";

function exported(): string[] {
  const db = openRegistry(newRegistryPath());
  register(db, fingerprintOf(sharedPath("dev-families", "S")), metaFor("S"));
  register(db, fingerprintOf(sharedPath("dev-families", "D")), metaFor("D", { tier: "gated", recipients: ["x"] }));
  const lines = [...exportLines(db)];
  db.close();
  return lines;
}

const LINES = exported();
const [HEADER, S_LINE, D_LINE] = LINES as [string, string, string];

function withLine(line: string, edit: (m: ExportedModel) => void): string {
  const m = JSON.parse(line) as ExportedModel;
  edit(m);
  return JSON.stringify(m);
}

function fileOf(lines: string[]): string {
  const f = join(tempDir(), "export.jsonl");
  writeFileSync(f, lines.join("\n"));
  return f;
}

/** A registry already holding one model, to show a failed import leaves it as it was. */
function target() {
  const db = openRegistry(newRegistryPath());
  register(db, fingerprintOf(sharedPath("dev-families", "A")), metaFor("A"));
  return db;
}

function refused(lines: string[], line: number, pattern: RegExp, opts: { replace?: boolean } = {}): void {
  const file = fileOf(lines);
  const db = target();
  try {
    assert.throws(() => importRegistry(db, file, opts), (e: unknown) => {
      assert.ok(e instanceof BadInputError, String(e));
      const where = line > 0 ? `${file}:${line}` : file;
      assert.ok(e.oneLine().startsWith(`${where}: `), `${e.oneLine()} should start with ${where}: `);
      assert.match(e.oneLine(), pattern);
      assert.ok(!e.oneLine().includes("\n"));
      return true;
    });
    assert.deepEqual(list(db).map((m) => m.name), ["A"], "registry unchanged");
    assert.deepEqual(verifyRegistry(db), []);
  } finally {
    db.close();
  }
}

const partB64 = (line: string, part: string) => (JSON.parse(line) as ExportedModel).parts[part] as string;

test("a good export imports, with blank lines and CRLF line ends", () => {
  const db = target();
  const f = join(tempDir(), "crlf.jsonl");
  writeFileSync(f, `${HEADER}\r\n\r\n${S_LINE}\r\n${D_LINE}`);
  assert.deepEqual(importRegistry(db, f), { imported: 2, replaced: 0, names: ["S", "D"] });
  assert.equal(count(db), 3);
  db.close();
});

test("the header: missing, not ours, newer, or an empty file", () => {
  refused([S_LINE], 1, /not a pedigree registry export/);
  refused([JSON.stringify({ pedigree: "something-else", version: 1 }), S_LINE], 1, /not a pedigree registry export/);
  refused([JSON.stringify({ pedigree: "registry-export", version: 2 }), S_LINE], 1, /export version 2 is newer than this pedigree reads \(1\): upgrade pedigree/);
  refused([""], 0, /empty/);
});

test("every model line is checked; a bad line anywhere imports nothing", () => {
  refused([HEADER, S_LINE, "{not json"], 3, /not valid JSON/);
  refused([HEADER, S_LINE, "[1,2]"], 3, /must be a JSON object/);
  refused([HEADER, S_LINE, withLine(D_LINE, (m) => { m.fingerprintVersion = FINGERPRINT_VERSION + 1; })], 3, new RegExp(`fingerprint version ${FINGERPRINT_VERSION + 1} is newer than this pedigree reads`));
  refused([HEADER, withLine(S_LINE, (m) => { m.parts["layer.1"] = "@@not base64@@"; })], 2, /part layer\.1 is not valid base64/);
  refused([HEADER, withLine(S_LINE, (m) => { m.parts["layer.1"] = "AAAA"; })], 2, /not a pedigree fingerprint/);
  // a meta part whose own header says a newer format version
  const meta = Buffer.from(partB64(S_LINE, "meta"), "base64");
  meta.writeUInt32LE(7, 4);
  refused([HEADER, withLine(S_LINE, (m) => { m.parts.meta = meta.toString("base64"); })], 2, /fingerprint format version 7 is newer/);
  // a part cut short
  const layer = Buffer.from(partB64(S_LINE, "layer.0"), "base64");
  refused([HEADER, withLine(S_LINE, (m) => { m.parts["layer.0"] = layer.subarray(0, layer.length - 100).toString("base64"); })], 2, /runs past its end/);
  refused([HEADER, withLine(S_LINE, (m) => { delete m.parts["layer.2"]; })], 2, /lacks layer 2/);
  refused([HEADER, withLine(S_LINE, (m) => { m.parts.evil = "AAAA"; })], 2, /unknown fingerprint part/);
  refused([HEADER, withLine(S_LINE, (m) => { m.tier = "secret" as never; })], 2, /tier must be one of/);
  refused([HEADER, withLine(S_LINE, (m) => { m.released = "2024-13-01"; })], 2, /not a date/);
  refused([HEADER, withLine(S_LINE, (m) => { m.recipients = ["someone"]; })], 2, /only kept for gated models/);
  refused([HEADER, withLine(S_LINE, (m) => { m.name = 42 as never; })], 2, /"name" must be a string/);
  refused([HEADER, S_LINE, D_LINE, S_LINE], 4, /also on line 2/);
});

test("a name already registered is refused unless replace; replace swaps the model whole", () => {
  const a = openRegistry(newRegistryPath());
  register(a, fingerprintOf(sharedPath("dev-families", "A-ft")), metaFor("A"));
  const lines = [...exportLines(a)];
  a.close();
  refused(lines, 2, /already registered .*--replace/);
  const db = target();
  const file = fileOf(lines);
  assert.deepEqual(importRegistry(db, file, { replace: true }), { imported: 1, replaced: 1, names: ["A"] });
  assert.equal(count(db), 1);
  assert.deepEqual(verifyRegistry(db), []);
  db.close();
});
