// Types for scripts/folder-cycles.mjs (used by test/architecture/layers.test.ts).
export type FolderGraph = Map<string, Map<string, string>>;
export function folderGraph(): FolderGraph;
export function cycles(graph: FolderGraph): string[][];
export function layerViolations(graph: FolderGraph): string[];
