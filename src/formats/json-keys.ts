/**
 * @module formats/json-keys
 * The keys of a JSON object's top level, in order and with repeats, found by one linear scan of the
 * text before it is parsed: JSON.parse silently keeps the last of two equal keys, and a header's
 * entry count should be known before the parse allocates an object per entry.
 */

/** Top-level keys of `text` (a JSON object), raw and with repeats; stops after `max` + 1 keys. */
export function topLevelKeys(text: string, max: number): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      if (depth === 1 && expectKey) {
        keys.push(text.slice(start, i + 1));
        if (keys.length > max) return keys;
        expectKey = false;
      }
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth === 1) expectKey = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2c && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

/** The first key that appears twice (decoded), if any. */
export function firstDuplicate(rawKeys: string[]): string | undefined {
  const seen = new Set<string>();
  for (const raw of rawKeys) {
    let k: string;
    try {
      k = JSON.parse(raw) as string;
    } catch {
      continue; // the parse proper reports malformed JSON
    }
    if (seen.has(k)) return k;
    seen.add(k);
  }
  return undefined;
}

/** Deepest nesting of arrays and objects in `text` (strings skipped), by one linear scan. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}

/**
 * Nesting a side file (config.json, tokenizer.json, adapter_config.json) may have: real ones are
 * under 10 deep; what parses deeper would overflow the stack of every recursive walk after it
 * (JSON.stringify, structured clone, the registry's summary).
 */
export const MAX_JSON_DEPTH = 64;
