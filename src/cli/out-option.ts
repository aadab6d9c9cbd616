/**
 * @module cli/out-option
 * `-o` names an output FORMAT in every command (the syft convention) and `--out` the output path.
 * Before, `export`, `forge` and `mark` took `-o <path>`: for a release that spelling still works
 * where it cannot be a format — the value is not one of the command's formats — and prints one
 * deprecation line on stderr.
 */
import { UsageError } from "../errors.js";

export interface OutputChoice {
  /** The format asked for with -o, if it is one. */
  format?: string;
  /** Where to write, from --out (or a deprecated -o <path>). */
  path?: string;
}

/**
 * Sorts `-o` into a format or (deprecated) a path. `looksLikeFormat` says which values are formats
 * (default: the listed formats); anything else given to -o is a path, with a deprecation line.
 */
export function outputPath(o: { format?: string; out?: string; formats: readonly string[]; command: string; looksLikeFormat?: (v: string) => boolean }): OutputChoice {
  const isFormat = o.looksLikeFormat ?? ((v: string) => o.formats.includes(v.toLowerCase()));
  if (o.format === undefined || isFormat(o.format)) return { format: o.format?.toLowerCase(), path: o.out };
  if (o.out !== undefined) throw new UsageError(`-o "${o.format}" is not a format (${o.formats.join(", ")}) and --out is given`);
  deprecated(`pedigree ${o.command}: '-o <path>' is deprecated, use '--out ${o.format}' (-o now names the output format)`);
  return { path: o.format };
}

/** One deprecation line on stderr. */
export function deprecated(line: string): void {
  process.stderr.write(`${line}\n`);
}
