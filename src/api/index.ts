/**
 * @module api
 * pedigree as a library: one async function per operation, each taking a plain options object
 * (paths or loaded models, a registry path or handle, an AbortSignal, a progress callback) and
 * returning typed results and documents. The CLI and the server are thin layers over these.
 */
export { inspect, type InspectOptions } from "./inspect.js";
export { compare, type CompareModelsOptions, type Comparison } from "./compare.js";
export { register, type RegisterOptions, type Registered } from "./register.js";
export { scan, type ScanOptions, type ScanOutcome } from "./scan.js";
export { scanExport, SCAN_EXPORTS, type ScanExport } from "./scan-export.js";
export { scanViews, sizeBound, type ScanView, type ScanViews } from "./scan-views.js";
export { tree, TREE_SCHEMA, type TreeOptions, type TreeDocument, type Trees } from "./tree.js";
export { forge, type ForgeOptions, type ForgeResult } from "./forge.js";
export { run, type RunOptions, type RunResult } from "./run.js";
export { list, type ListOptions, type Listing } from "./list.js";
export { show, type ShowOptions, type Shown } from "./show.js";
export { remove, type RemoveOptions, type Removed } from "./remove.js";
export { exportRegistry, type ExportOptions, type Exported } from "./export.js";
export { importRegistry, type ImportOptions, type Imported } from "./import.js";
export { copyRegistry, type CopyOptions, type Copied } from "./copy.js";
export { abortedError, throwIfAborted, type OperationOptions, type ProgressEvent } from "./cancel.js";
export type { ModelInput, RegistryInput } from "./inputs.js";
export { mark, type MarkOptions, type Marked } from "./mark.js";
export { trace, recipients, TRACE_SCHEMA, type TraceOptions, type RecipientsOptions, type Recipients } from "./trace.js";
