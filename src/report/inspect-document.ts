/**
 * @module report/inspect-document
 * The `inspect` report as a plain JSON document (a stable contract; see docs/json.md): format,
 * architecture, parameter count, layers, hyper-parameters, declared metadata, dtype mix, tokenizer,
 * and optionally every tensor with its canonical name and content digest.
 */
import type { CanonicalModel } from "../model/canonical.js";
import { f32Sha256 } from "../model/digest.js";
import { rowCount, rowLength } from "../model/tensor.js";

export const INSPECT_SCHEMA = "pedigree.inspect/1";

export interface InspectTensor {
  name: string;
  canonical: string;
  shape: number[];
  dtype: string;
  f32sha256?: string;
}

export interface InspectDocument {
  schema: typeof INSPECT_SCHEMA;
  format: string;
  path: string;
  files: string[];
  architecture: string;
  parameters: number;
  /** Whether the tensors form a transformer (layers or a token embedding recognised); when not, `config` holds no facts. */
  transformer: boolean;
  layers: number;
  config: Record<string, unknown>;
  dtypes: Record<string, { tensors: number; values: number }>;
  metadata: {
    name?: string;
    license?: string;
    licenseName?: string;
    licenseLink?: string;
    baseModels: string[];
    baseModelRelation?: string;
    problems: string[];
    container: Record<string, unknown>;
  };
  tokenizer: { kind: string; size: number; source: string } | null;
  notes: string[];
  ignored: string[];
  tensors?: InspectTensor[];
}

export interface InspectOptions {
  tensors: boolean;
  digests: boolean;
  onTensor?: (done: number, total: number) => void;
}

export function inspectDocument(m: CanonicalModel, opts: InspectOptions): InspectDocument {
  const dtypes: InspectDocument["dtypes"] = {};
  let parameters = 0;
  for (const e of m.entries) {
    if (m.ignored.includes(e.name)) continue;
    const n = rowCount(e.shape) * rowLength(e.shape);
    parameters += n;
    const label = e.decoder?.label ?? e.dtype;
    const d = (dtypes[label] ??= { tensors: 0, values: 0 });
    d.tensors++;
    d.values += n;
  }
  const doc: InspectDocument = {
    schema: INSPECT_SCHEMA,
    format: m.format, path: m.path, files: m.files, architecture: m.architecture, parameters, layers: m.params.nLayers,
    transformer: m.params.nLayers > 0 || m.tensors.has("embed"),
    config: { ...m.params },
    dtypes,
    metadata: {
      name: m.declared.name, license: m.declared.license, licenseName: m.declared.licenseName, licenseLink: m.declared.licenseLink,
      baseModels: m.declared.baseModels, baseModelRelation: m.declared.baseModelRelation, problems: m.declared.problems,
      container: m.metadata,
    },
    tokenizer: m.tokens ? { kind: m.tokens.kind, size: m.tokens.tokens.length, source: m.tokens.source } : null,
    notes: m.notes,
    ignored: m.ignored,
  };
  if (opts.tensors) {
    const list = [...m.tensors.values()];
    doc.tensors = list.map((t, i) => {
      const row: InspectTensor = { name: t.origin, canonical: t.key, shape: [...t.shape], dtype: t.dtype };
      if (opts.digests) row.f32sha256 = f32Sha256(t);
      opts.onTensor?.(i + 1, list.length);
      return row;
    });
  }
  return doc;
}
