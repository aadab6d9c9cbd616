/**
 * @module io/folder
 * A model folder's files by name: a local directory, or a hub repository read with range requests
 * (hub/remote-folder.ts). The format readers pick weight, config and tokenizer files through a
 * Folder, so the same choice is made whatever holds the files.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { BadInputError } from "../errors.js";
import { FileSource, type ByteSource } from "./byte-source.js";

export interface Folder {
  /** Shown in errors and reports: the directory, or the repository's URL. */
  readonly path: string;
  /** Names of the files the folder holds (its own level only). */
  names(): string[];
  /** How one of its files is named in errors and reports. */
  where(name: string): string;
  /** A file as a ByteSource (its `path` is what errors show); the caller closes it. */
  open(name: string): ByteSource;
}

export class LocalFolder implements Folder {
  constructor(readonly path: string) {}
  names(): string[] {
    return readdirSync(this.path);
  }
  where(name: string): string {
    return join(this.path, name);
  }
  open(name: string): ByteSource {
    return new FileSource(this.where(name));
  }
}

/** The whole of a small file of a folder as text, refused past `max` bytes; undefined if absent. */
export function readFolderText(folder: Folder, name: string, max: number, what: string): string | undefined {
  if (!folder.names().includes(name)) return undefined;
  const src = folder.open(name);
  try {
    if (src.size > max) throw new BadInputError(src.path, `${src.size} bytes is too large for a ${what} (limit ${max})`);
    return Buffer.from(src.read(0, src.size)).toString("utf8");
  } finally {
    src.close();
  }
}
