/**
 * @module hub
 * Reading a Hugging Face-style hub: list its models, fingerprint one by range requests (docs/hub-index.md).
 */
export { fingerprintRemote, type RemoteFingerprint, type RemoteOptions } from "./fingerprint-remote.js";
export { hubLocator, parseHubLocator, type HubFile, type HubModel } from "./hub-model.js";
export type { HttpOptions } from "./http.js";
export { hubModelInfo, listHubModels, type ListOptions } from "./list-models.js";
