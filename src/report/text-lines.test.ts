import assert from "node:assert/strict";
import { test } from "node:test";
import { renderLines, wrapLine } from "./text-lines.js";

test("prose wraps at word boundaries under a hanging indent; a long word stays whole", () => {
  const line = "  caveat: the residual stream was compared after an orthogonal rotation fitted to the embeddings";
  const out = wrapLine(line, 40);
  assert.ok(out.length > 1);
  for (const l of out) assert.ok(l.length <= 40, l);
  assert.equal(out.join(" ").replace(/ +/g, " ").trim(), line.replace(/ +/g, " ").trim(), "no word lost or split");
  for (const l of out.slice(1)) assert.match(l, /^ {4}\S/, "continuations hang under the indent");
  const path = `A: /very/long/${"x".repeat(90)}/model.safetensors (gguf)`;
  const p = wrapLine(path, 60);
  assert.ok(p.some((l) => l.includes("x".repeat(90))), "a path is never broken");
  assert.deepEqual(wrapLine("short", 80), ["short"]);
});

test("renderLines escapes controls and bidi in prose and blocks; blocks are never wrapped", () => {
  const table = `name  p\n----  ---\n${"a".repeat(100)}  0.5`;
  const out = renderLines(["evil\u001b[2J\u202e name\nfake line", { pre: table }], 80).split("\n");
  assert.equal(out[0], "evil\\u001b[2J\\u202e name\\u000afake line");
  assert.deepEqual(out.slice(1), table.split("\n"));
  // a width below 40 is taken as 40
  assert.ok(renderLines(["word ".repeat(30)], 10).split("\n").every((l) => l.length <= 40));
});
