/**
 * @module queue/local-path
 * The local path a locator names. Hub locators (`hub+http://...`) are read by src/hub/, not yet
 * wired in: they are refused with an unsupported error.
 */
import { UnsupportedError } from "../errors.js";
import { isHubLocator } from "./source-entry.js";

export function localPath(locator: string): string {
  if (isHubLocator(locator)) throw new UnsupportedError(locator, "reading a model from a hub is not wired in yet (src/hub/)");
  return locator.startsWith("file://") ? new URL(locator).pathname : locator;
}
