/**
 * @module scan/names
 * Does a declared base-model name refer to a registered model? Hub ids ("owner/name"), bare names
 * and case differ between cards, GGUF metadata and registrants: names match when equal ignoring
 * case and surrounding slashes, or when one has no owner and equals the other's name part.
 */
function norm(s: string): string {
  return s.trim().toLowerCase().replace(/^\/+|\/+$/g, "").replace(/^https?:\/\/huggingface\.co\//, "");
}

export function sameModelName(a: string, b: string): boolean {
  const x = norm(a);
  const y = norm(b);
  if (x === "" || y === "") return false;
  if (x === y) return true;
  const tail = (s: string) => s.slice(s.lastIndexOf("/") + 1);
  if (!x.includes("/") || !y.includes("/")) return tail(x) === tail(y);
  return false;
}
