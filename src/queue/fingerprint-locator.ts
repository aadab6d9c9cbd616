/**
 * @module queue/fingerprint-locator
 * The one place a register job turns a locator into a fingerprint: a local path is loaded and
 * fingerprinted in one streaming pass, with what its own files claim (a model card's base_model and
 * licence, GGUF general.base_model.*); a hub locator is fingerprinted from byte ranges by src/hub/,
 * with what the hub's API claims (else what its files declare).
 */
import { throwIfAborted } from "../api/cancel.js";
import { fingerprintRemote, parseHubLocator } from "../hub/index.js";
import { computeFingerprint } from "../fingerprint/compute.js";
import type { Fingerprint } from "../fingerprint/types.js";
import { loadModel } from "../load-model.js";
import { localPath } from "./local-path.js";
import { claimsOf, isHubLocator, type Claims } from "./source-entry.js";

export interface Located {
  fingerprint: Fingerprint;
  /** What the model's own files claim (undefined when they claim nothing). */
  claims?: Claims;
}

export async function fingerprintLocator(locator: string, signal?: AbortSignal): Promise<Located> {
  if (isHubLocator(locator)) return hubFingerprint(locator, signal);
  const path = localPath(locator);
  throwIfAborted(signal, "register");
  const model = loadModel(path);
  try {
    const fingerprint = computeFingerprint(model);
    throwIfAborted(signal, "register");
    return { fingerprint, claims: claimsOf(model.declared.baseModels, model.declared.license) };
  } finally {
    model.close();
  }
}

async function hubFingerprint(locator: string, signal?: AbortSignal): Promise<Located> {
  const { hubUrl, id } = parseHubLocator(locator);
  const r = await fingerprintRemote(hubUrl, id, { signal });
  const baseModels = r.claims.baseModels.length > 0 ? r.claims.baseModels : r.declared.baseModels;
  return { fingerprint: r.fingerprint, claims: claimsOf(baseModels, r.claims.license ?? r.declared.license) };
}

