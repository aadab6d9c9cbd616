// The dependency order of src/, lowest first: a folder (or a file directly in src/, named without
// its extension) may import only from its own rank or below. Entries on one line share a rank and
// do not import each other. eslint.config.js turns this into no-restricted-imports rules and
// scripts/folder-cycles.mjs checks the real import graph against it.
//
// The pipeline is formats -> model -> evidence -> verdict -> fingerprint -> registry -> scan ->
// policy -> report -> api -> cli/server. model/ holds the canonical types every reader produces,
// so in code it sits just below formats/; helpers with no domain (errors, numeric, io) sit at the
// bottom; the runnable forward pass (run) and the derivative maker (forge) sit on the readers;
// hub (fingerprinting a hub's models through range requests) sits on fingerprint;
// compare (the two-model test) and behaviour (the forward-pass test) sit on verdict; lineage (family trees) and mark (issuing marked
// copies) on the registry; trace (naming a leaked copy's recipient) on scan, below the findings. server
// sits below cli because `pedigree serve` is a CLI command that starts it; it never imports cli. queue
// (jobs on pg-boss in a Postgres registry: workers, index sweeps) runs api operations, below server.
export const LAYERS = [
  ["errors", "version"],
  ["numeric", "io"],
  ["model"],
  ["formats"],
  ["load-model"],
  ["run"],
  ["forge"],
  ["evidence"],
  ["verdict"],
  ["compare", "behaviour"],
  ["fingerprint"],
  ["hub"],
  ["registry"],
  ["lineage", "mark"],
  ["scan"],
  ["trace"],
  ["policy"],
  ["report"],
  ["api"],
  ["queue"],
  ["server"],
  ["index", "cli"],
];

/** Names that are single files directly in src/ rather than folders. */
export const ROOT_FILES = new Set(["errors", "version", "load-model", "compare", "index"]);

export function rankOf(name) {
  const i = LAYERS.findIndex((row) => row.includes(name));
  return i < 0 ? undefined : i;
}
