/**
 * @module registry/import
 * Reads a JSON Lines export (export.ts) into a registry, all or nothing: every line is checked
 * (JSON, header kind and version, fields, base64, every fingerprint part decodes) and the models are
 * written in one transaction, rolled back at the first bad line. Problems are BadInputErrors naming
 * `file:line`. A name already registered is refused unless `replace` is set; a name twice in the
 * file is always refused.
 */
import { decodeBehaviour } from "../behaviour/stored.js";
import { decodeFingerprint } from "../fingerprint/codec.js";
import { FINGERPRINT_VERSION } from "../fingerprint/types.js";
import { BadInputError, PedigreeError, q } from "../errors.js";
import { EXPORT_KIND, EXPORT_VERSION } from "./export.js";
import { readLines } from "./lines.js";
import { metaProblem, TIERS, type ModelMeta, type Tier } from "./metadata.js";
import type { IncomingModel } from "./backend.js";
import type { Registry } from "./open.js";
import { addIncoming } from "./sqlite-backend.js";
import { partOrder, type StoredFingerprint } from "./store.js";

export interface ImportResult {
  imported: number;
  /** Of those, how many replaced a model of the same name. */
  replaced: number;
  names: string[];
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PART = /^(meta|behaviour|layer\.(0|[1-9][0-9]{0,5}))$/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parse(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BadInputError(where, `not valid JSON (${(e as Error).message.split("\n")[0]})`);
  }
}

function checkHeader(v: unknown, where: string): void {
  if (!isObj(v) || v.pedigree !== EXPORT_KIND) throw new BadInputError(where, `not a pedigree registry export (the first line must be {"pedigree":"${EXPORT_KIND}","version":${EXPORT_VERSION}})`);
  const version = v.version;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) throw new BadInputError(where, `invalid export version ${JSON.stringify(version)}`);
  if (version > EXPORT_VERSION) throw new BadInputError(where, `export version ${version} is newer than this pedigree reads (${EXPORT_VERSION}): upgrade pedigree`);
}

function str(v: Obj, key: string, where: string): string {
  const x = v[key];
  if (typeof x !== "string") throw new BadInputError(where, `field "${key}" must be a string`);
  return x;
}

function optStr(v: Obj, key: string, where: string): string | undefined {
  const x = v[key];
  if (x === undefined || x === null) return undefined;
  if (typeof x !== "string") throw new BadInputError(where, `field "${key}" must be a string or null`);
  return x;
}

/** A model line -> what to store. */
export function parseModelLine(v: unknown, where: string): { meta: ModelMeta; stored: StoredFingerprint; registeredAt: string } {
  if (!isObj(v)) throw new BadInputError(where, "a model line must be a JSON object");
  const tier = str(v, "tier", where);
  if (!(TIERS as readonly string[]).includes(tier)) throw new BadInputError(where, `tier must be one of ${TIERS.join(", ")}`);
  const recipients = v.recipients;
  if (recipients !== undefined && recipients !== null && !(Array.isArray(recipients) && recipients.every((r) => typeof r === "string"))) {
    throw new BadInputError(where, `field "recipients" must be a list of strings or null`);
  }
  const meta: ModelMeta = {
    name: str(v, "name", where), owner: str(v, "owner", where), tier: tier as Tier, license: optStr(v, "license", where), declaredBase: optStr(v, "declaredBase", where),
    released: optStr(v, "released", where), recipients: Array.isArray(recipients) ? (recipients as string[]) : tier === "gated" ? [] : undefined, notes: optStr(v, "notes", where),
  };
  const problem = metaProblem(meta);
  if (problem) throw new BadInputError(where, `model ${q(meta.name)}: ${problem}`);
  const named = `${where}: model ${q(meta.name)}`;
  const registeredAt = str(v, "registeredAt", where);
  if (Number.isNaN(Date.parse(registeredAt))) throw new BadInputError(named, `registeredAt ${JSON.stringify(registeredAt)} is not a date`);

  const version = v.fingerprintVersion;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) throw new BadInputError(named, `invalid fingerprint version ${JSON.stringify(version)}`);
  if (version > FINGERPRINT_VERSION) throw new BadInputError(named, `fingerprint version ${version} is newer than this pedigree reads (${FINGERPRINT_VERSION}): upgrade pedigree`);

  if (!isObj(v.parts)) throw new BadInputError(named, `field "parts" must be an object of base64 strings`);
  const parts = new Map<string, Uint8Array>();
  for (const name of Object.keys(v.parts).sort(partOrder)) {
    const b64 = v.parts[name];
    if (!PART.test(name)) throw new BadInputError(named, `unknown fingerprint part ${q(name)}`);
    if (typeof b64 !== "string" || !BASE64.test(b64)) throw new BadInputError(named, `part ${name} is not valid base64`);
    const buf = Buffer.from(b64, "base64");
    parts.set(name, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  }
  let fp;
  try {
    fp = decodeFingerprint(parts, named);
  } catch (e) {
    if (e instanceof PedigreeError) throw e;
    throw new BadInputError(named, `fingerprint does not decode (${(e as Error).message})`);
  }
  if (fp.version !== version) throw new BadInputError(named, `fingerprintVersion ${version} does not match the fingerprint's own (${fp.version})`);
  if (parts.size !== fp.layers.length + 1 + (fp.behaviour ? 1 : 0)) throw new BadInputError(named, `${parts.size} parts for a fingerprint of ${fp.layers.length} layers`);
  if (fp.behaviour) decodeBehaviour(fp.behaviour, `${named}: part "behaviour"`);
  return { meta, stored: { parts, version: fp.version, summary: fp.summary, index: fp.index }, registeredAt };
}

/** A model line of an export, ready to add, with `where` (file:line) for errors. */
export type ImportedLine = IncomingModel & { where: string };

/**
 * The models of an export file, read line by line (memory holds one line, whatever the file's size)
 * and checked (header, JSON, fields, parts that decode, no name twice); the first bad line throws.
 * `onLine(bytes)` is called after each line with the bytes read so far; an exception it throws (a
 * cancellation) stops the import, and the caller's transaction rolls everything back.
 */
export function* incomingModels(file: string, onLine?: (bytesRead: number) => void): Generator<ImportedLine> {
  const seen = new Map<string, number>();
  let header = false;
  for (const [n, text, bytes] of readLines(file)) {
    onLine?.(bytes);
    if (text.trim() === "") continue;
    const where = `${file}:${n}`;
    const v = parse(text, where);
    if (!header) {
      checkHeader(v, where);
      header = true;
      continue;
    }
    const { meta, stored, registeredAt } = parseModelLine(v, where);
    const before = seen.get(meta.name);
    if (before !== undefined) throw new BadInputError(where, `model ${q(meta.name)} is also on line ${before}`);
    seen.set(meta.name, n);
    yield { meta, stored, registeredAt, where };
  }
  if (!header) throw new BadInputError(file, "empty: not a pedigree registry export");
}

/** Imports `file` into the registry in one transaction (see incomingModels for `onLine`). */
export function importRegistry(db: Registry, file: string, opts: { replace?: boolean; onLine?: (bytesRead: number) => void } = {}): ImportResult {
  const run = db.transaction((): ImportResult => {
    const result: ImportResult = { imported: 0, replaced: 0, names: [] };
    for (const m of incomingModels(file, opts.onLine)) {
      if (addIncoming(db, m, !!opts.replace, m.where)) result.replaced++;
      result.imported++;
      result.names.push(m.meta.name);
    }
    return result;
  });
  return run.immediate();
}
