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
import { isHubLocator, type Claims } from "./source-entry.js";

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
    const { baseModels, license } = model.declared;
    const claims: Claims = {};
    if (baseModels.length > 0) claims.baseModels = baseModels;
    if (license !== undefined) claims.license = license;
    return { fingerprint, claims: Object.keys(claims).length > 0 ? claims : undefined };
  } finally {
    model.close();
  }
}

async function hubFingerprint(locator: string, signal?: AbortSignal): Promise<Located> {
  const { hubUrl, id } = parseHubLocator(locator);
  const r = await fingerprintRemote(hubUrl, id, { signal });
  const baseModels = r.claims.baseModels.length > 0 ? r.claims.baseModels : r.declared.baseModels;
  const license = r.claims.license ?? r.declared.license;
  const claims: Claims = {};
  if (baseModels.length > 0) claims.baseModels = baseModels;
  if (license !== undefined) claims.license = license;
  return { fingerprint: r.fingerprint, claims: Object.keys(claims).length > 0 ? claims : undefined };
}
