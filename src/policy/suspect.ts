/**
 * @module policy/suspect
 * What a scanned model says about itself, gathered for the findings: its name, declared base
 * models, licences (card, config.json, GGUF metadata, LICENSE/NOTICE files), the model card's text
 * and the files shipped next to the weights. All claims; the weights are the evidence.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { CanonicalModel } from "../model/canonical.js";
import { claimsIndependentTraining } from "./claims.js";
import { detectLicences } from "./licences/detect.js";
import { MAX_LICENCE_FILE_BYTES, readLicenceFiles } from "./licences/files.js";
import type { LicenceInfo } from "./report-input.js";

export interface SuspectFacts {
  name: string;
  path: string;
  declaredBases: string[];
  declaredLicences: LicenceInfo[];
  cardText?: string;
  /** Files shipped with the weights (licence files with their text). */
  files: Array<{ name: string; text?: string }>;
  /** The card says the model was trained from scratch / is based on no other model. */
  claimsIndependent: boolean;
  /** Who publishes the suspect (given, else the author it declares), for gated models' recipients. */
  publisher?: string;
  /** Declarations that could not be read (broken card YAML, bad adapter_config.json). */
  problems: string[];
}

function readBounded(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    const n = Math.min(st.size, MAX_LICENCE_FILE_BYTES);
    const buf = Buffer.alloc(n);
    const fd = openSync(path, "r");
    try {
      const got = readSync(fd, buf, 0, n, 0);
      return buf.subarray(0, got).toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

export function suspectFacts(m: CanonicalModel, publisher?: string): SuspectFacts {
  const dir = isDirectory(m.path) ? m.path : dirname(m.path);
  const licenceFiles = readLicenceFiles(dir);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    names = [];
  }
  const texts = new Map(licenceFiles.map((f) => [f.name, f.text]));
  const cardText = readBounded(join(dir, "README.md"));
  const declaredLicences = detectLicences({
    card: obj(m.metadata.card),
    config: obj(m.metadata.config),
    gguf: m.format === "gguf" ? m.metadata : undefined,
    files: licenceFiles,
  });
  const fallbackName = dir === m.path ? basename(m.path) : basename(m.path).replace(/\.(gguf|safetensors|bin|pt|pth)$/i, "");
  return {
    name: m.declared.name ?? fallbackName,
    path: m.path,
    declaredBases: [...m.declared.baseModels],
    declaredLicences,
    cardText,
    files: names.map((name) => (texts.has(name) ? { name, text: texts.get(name) as string } : { name })),
    claimsIndependent: claimsIndependentTraining(cardText),
    publisher: publisher ?? m.declared.author,
    problems: [...m.declared.problems],
  };
}
