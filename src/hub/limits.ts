/**
 * @module hub/limits
 * Bounds on what a hub may make pedigree allocate or wait for: a server never sizes a buffer.
 */
/** One page of /api/models, or one model's /api/models/{id} (HF pages of 1,000 full entries stay below 16 MiB). */
export const MAX_API_JSON_BYTES = 32 << 20;
/** Models per page asked of /api/models (the HF hub caps `limit` at 1,000). */
export const PAGE_LIMIT = 100;
/** Pages followed before a listing is taken to loop. */
export const MAX_PAGES = 100_000;
/** The longest Retry-After honoured; longer ones wait this long and count as an attempt. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** Files of one model considered (a repository listing thousands is not a model folder). */
export const MAX_FILES = 10_000;
/** Largest range fetched in one request (readahead grows to it on sequential reads). */
export const MAX_FETCH_BYTES = 16 << 20;
/** Bytes of fetched blocks the parent keeps per model. */
export const CACHE_BYTES = 64 << 20;
/** Bytes the worker and the fetching thread pass per synchronous read (bigger reads go in pieces). */
export const CHANNEL_BYTES = 8 << 20;
