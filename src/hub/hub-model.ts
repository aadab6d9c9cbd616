/**
 * @module hub/hub-model
 * A hub's model entry as pedigree uses it, read from the Hugging Face API's JSON (`/api/models`,
 * `/api/models/{id}?blobs=true`): id, commit sha, files (`siblings[].rfilename`, with `size` and
 * `lfs.sha256` when the hub gives them), and the claims its card makes (`cardData.base_model`, a
 * string or a list; `cardData.license`, else a `license:<id>` tag). Claims, never evidence.
 */
import { BadInputError } from "../errors.js";
import { MAX_FILES } from "./limits.js";

export interface HubFile {
  /** Path in the repository (`rfilename`). */
  name: string;
  size?: number;
  /** The LFS object id: sha256 of the whole file, as the hub states it. */
  sha256?: string;
}

export interface HubModel {
  id: string;
  /** The commit the files are read at (else `main`). */
  sha?: string;
  files: HubFile[];
  baseModels: string[];
  license?: string;
}

/** Repository ids as the HF hub allows them: `name` or `owner/name`, letters, digits, `-_.`, no `..`. */
const ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" && v.length > 0 && v.length <= 1000 ? v : undefined);
const size = (v: unknown) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

export function isHubId(id: string): boolean {
  return id.length <= 200 && ID.test(id) && !id.includes("..");
}

/** A file path the hub may name: relative, no `..`, no empty or dot segments, no backslashes. */
function isRepoPath(p: string): boolean {
  return !p.startsWith("/") && !p.includes("\\") && p.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

function filesOf(siblings: unknown, where: string): HubFile[] {
  if (!Array.isArray(siblings)) return [];
  if (siblings.length > MAX_FILES) throw new BadInputError(where, `the model lists ${siblings.length} files, more than ${MAX_FILES}`);
  const out: HubFile[] = [];
  for (const s of siblings) {
    if (!isObj(s)) continue;
    const name = str(s.rfilename);
    if (name === undefined || !isRepoPath(name)) continue;
    const lfs = isObj(s.lfs) ? s.lfs : undefined;
    const sha = str(lfs?.sha256);
    const bytes = size(s.size) ?? size(lfs?.size);
    out.push({ name, ...(bytes !== undefined ? { size: bytes } : {}), ...(sha && /^[0-9a-f]{64}$/.test(sha) ? { sha256: sha } : {}) });
  }
  return out;
}

/** One model entry of the API; undefined when it has no usable id. */
export function hubModelOf(raw: unknown, where: string): HubModel | undefined {
  if (!isObj(raw)) return undefined;
  const id = str(raw.id) ?? str(raw.modelId);
  if (id === undefined || !isHubId(id)) return undefined;
  const card = isObj(raw.cardData) ? raw.cardData : {};
  const bases = typeof card.base_model === "string" ? [card.base_model] : Array.isArray(card.base_model) ? card.base_model : [];
  const tags = Array.isArray(raw.tags) ? raw.tags : [];
  const tagLicence = tags.map(str).find((t) => t?.startsWith("license:"))?.slice("license:".length);
  const licence = str(card.license) ?? tagLicence;
  const sha = str(raw.sha);
  return {
    id,
    ...(sha && /^[0-9a-f]{40}$/.test(sha) ? { sha } : {}),
    files: filesOf(raw.siblings, where),
    baseModels: bases.map(str).filter((b): b is string => b !== undefined),
    ...(licence !== undefined ? { license: licence } : {}),
  };
}

/** The hub's root URL from `hub+http://host/`, `http://host` or `https://host/prefix/`, ending in `/`. */
export function hubBase(hubUrl: string): string {
  const u = hubUrl.startsWith("hub+") ? hubUrl.slice(4) : hubUrl;
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    throw new BadInputError(hubUrl, "not a hub URL (hub+http://host/ or hub+https://host/)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new BadInputError(hubUrl, "a hub is reached over http or https");
  url.search = "";
  url.hash = "";
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

const segments = (p: string) => p.split("/").map(encodeURIComponent).join("/");

/** Where a file of a model is read: `/{id}/resolve/{revision}/{file}`. */
export function resolveUrl(base: string, model: HubModel, file: string): string {
  return `${base}${segments(model.id)}/resolve/${encodeURIComponent(model.sha ?? "main")}/${segments(file)}`;
}

export function modelApiUrl(base: string, id: string): string {
  return `${base}api/models/${segments(id)}?blobs=true`;
}

/** A model's locator, `hub+http://host/{id}`: what an index entry and the fingerprint's summary name it by. */
export function hubLocator(hubUrl: string, id: string): string {
  return `hub+${hubBase(hubUrl)}${id}`;
}

/** The hub and model of a locator whose hub is served at the host's root (`hub+http://host/{owner/name}`). */
export function parseHubLocator(locator: string): { hubUrl: string; id: string } {
  const base = hubBase(locator);
  const url = new URL(base);
  const id = decodeURIComponent(url.pathname.replace(/^\/|\/$/g, ""));
  if (!locator.startsWith("hub+") || !isHubId(id)) throw new BadInputError(locator, "not a hub model locator (hub+http://host/{id} or hub+http://host/{owner}/{name})");
  return { hubUrl: `${url.origin}/`, id };
}
