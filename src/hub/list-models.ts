/**
 * @module hub/list-models
 * Every model of a hub, page by page, as the Hugging Face API pages `/api/models`: `limit` models a
 * page, the next page's URL in a `Link: <...>; rel="next"` header (GitHub's convention), no header on
 * the last page. Asked with `full=true&cardData=true` so entries carry files and card claims.
 */
import { BadInputError, PedigreeError } from "../errors.js";
import { hubModelOf, hubBase, modelApiUrl, type HubModel } from "./hub-model.js";
import { hubRequest, type HttpOptions } from "./http.js";
import { MAX_API_JSON_BYTES, MAX_PAGES, PAGE_LIMIT } from "./limits.js";

export interface ListOptions extends HttpOptions {
  /** Models per page asked for (default 100). */
  limit?: number;
  /** Only models whose id contains this (the API's `search`). */
  search?: string;
}

/** The `rel="next"` target of a Link header, resolved against the page's URL. */
export function nextLink(link: string | null, pageUrl: string): string | undefined {
  if (link === null) return undefined;
  for (const part of link.split(",")) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /\brel\s*=\s*"?next"?/.test(m[2] as string)) return new URL(m[1] as string, pageUrl).href;
  }
  return undefined;
}

function parseJson(body: Uint8Array, url: string): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    throw new BadInputError(url, "the hub's answer is not valid JSON");
  }
}

export async function* listHubModels(hubUrl: string, opts: ListOptions = {}): AsyncGenerator<HubModel> {
  const base = hubBase(hubUrl);
  const q = new URLSearchParams({ limit: String(opts.limit ?? PAGE_LIMIT), full: "true", cardData: "true" });
  if (opts.search !== undefined) q.set("search", opts.search);
  let url: string | undefined = `${base}api/models?${q}`;
  const seen = new Set<string>();
  for (let page = 0; url !== undefined; page++) {
    if (page >= MAX_PAGES || seen.has(url)) throw new BadInputError(url, `the listing does not end (page ${page}, or a page seen before)`);
    seen.add(url);
    const r = await hubRequest(url, MAX_API_JSON_BYTES, opts);
    const list = parseJson(r.body, url);
    if (!Array.isArray(list)) throw new BadInputError(url, "the hub's model list is not a JSON array");
    for (const raw of list) {
      const m = hubModelOf(raw, url);
      if (m) yield m;
    }
    const next = nextLink(r.headers.get("link"), url);
    if (next !== undefined && new URL(next).origin !== new URL(base).origin) throw new BadInputError(url, `the next page is on another host (${new URL(next).origin})`);
    url = next;
  }
}

/** One model's entry with file sizes and LFS digests (`/api/models/{id}?blobs=true`). */
export async function hubModelInfo(hubUrl: string, id: string, opts: HttpOptions = {}): Promise<HubModel> {
  const url = modelApiUrl(hubBase(hubUrl), id);
  const r = await hubRequest(url, MAX_API_JSON_BYTES, opts);
  const m = hubModelOf(parseJson(r.body, url), url);
  if (!m) throw new BadInputError(url, "the hub's model entry has no valid id");
  if (m.id !== id) throw new PedigreeError("bad-input", `asked for ${id}, the hub answered for ${m.id}`, url);
  return m;
}
