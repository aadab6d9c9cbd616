/**
 * @module hub/fingerprint-worker
 * Worker thread: open a hub repository through the synchronous channel (remote-folder.ts), pick and
 * read its weights as a local folder would be read, fingerprint them, and post the encoded
 * fingerprint with what the files declare. Errors are posted as {code, message, file}. The thread
 * takes one job after another, so its start-up is paid once.
 */
import { parentPort } from "node:worker_threads";
import { PedigreeError } from "../errors.js";
import { sourceDigest } from "../io/input-digest.js";
import { openFolderWeights } from "../formats/open.js";
import { canonicalize } from "../model/canonical.js";
import { encodeFingerprint } from "../fingerprint/codec.js";
import { computeFingerprint } from "../fingerprint/compute.js";
import { RemoteFolder, SyncChannel, type ChannelMemory, type RemoteFileInfo } from "./remote-folder.js";

export interface FingerprintJob {
  mem: ChannelMemory;
  /** The repository's name in reports: `hub+http://host/{id}`. */
  path: string;
  files: Array<RemoteFileInfo & { sha256?: string }>;
}

function run(port: NonNullable<typeof parentPort>, job: FingerprintJob): void {
  const channel = new SyncChannel(job.mem, port);
  const folder = new RemoteFolder(job.path, job.files, channel);
  const ws = openFolderWeights(folder);
  try {
    const m = canonicalize(ws);
    const prefix = `${job.path}/`;
    const digests = ws.files.map((f) => {
      const name = f.startsWith(prefix) ? f.slice(prefix.length) : f;
      const src = folder.open(name);
      return sourceDigest(src, f, job.files.find((x) => x.name === name)?.sha256);
    });
    const fp = computeFingerprint(m, { files: digests });
    port.postMessage({ type: "done", parts: encodeFingerprint(fp), declared: ws.declared, opened: [...folder.opened] });
  } finally {
    ws.close();
  }
}

/** Jobs arrive as messages, one at a time (the thread is reused for the next model). */
if (parentPort) {
  const port = parentPort;
  port.on("message", (job: FingerprintJob) => {
    try {
      run(port, job);
    } catch (e) {
      const err = e instanceof PedigreeError ? { code: e.code, message: e.message, file: e.file } : { code: "internal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
      port.postMessage({ type: "error", error: err });
    }
  });
}
