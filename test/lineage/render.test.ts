/**
 * Tree renderings of hostile model names: the text tree escapes control and bidi characters, DOT
 * quotes them, Mermaid turns markup into entity codes (Mermaid renders labels as HTML). DOT carries a
 * legend of its line styles and one font.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { treeDot, treeMermaid, treeText } from "../../src/lineage/render.js";
import type { FamilyTree } from "../../src/lineage/tree.js";

const EVIL = "<img src=x onerror=alert(1)>\u001b[2J\u202e\"q\"\nfake";

const tree: FamilyTree = {
  families: [{ root: "base", members: ["base", EVIL] }],
  edges: [{ parent: "base", child: EVIL, relation: "fine-tuned", log10PValue: -40, distance: 0.1, direction: "family-structure" }],
  merges: [],
  singletons: ["loner"],
  hints: [],
};

test("tree text, DOT and Mermaid never carry a hostile name raw", () => {
  // eslint-disable-next-line no-control-regex -- the point
  const raw = /[\u0000-\u0009\u000b-\u001f\u202a-\u202e]/;
  const text = treeText(tree);
  assert.doesNotMatch(text, raw);
  assert.equal(text.split("\n").length, 3, "a name with a newline makes no extra line");
  const dot = treeDot(tree);
  assert.doesNotMatch(dot, raw);
  assert.ok(dot.includes('"<img src=x onerror=alert(1)>\\\\u001b[2J\\\\u202e\\"q\\"\\\\u000afake"'), dot);
  const mermaid = treeMermaid(tree);
  assert.doesNotMatch(mermaid, /[<>"]img|onerror=|\(1\)/);
  assert.match(mermaid, /#60;img src#61;x onerror#61;alert#40;1#41;#62;/);
  assert.match(mermaid, /-\.->\|fine-tuned\|/);
});

test("DOT: one font throughout and a legend of the line styles", () => {
  const dot = treeDot(tree);
  const fonts = new Set([...dot.matchAll(/fontname=(\w+)/g)].map((m) => m[1]));
  assert.deepEqual([...fonts], ["Helvetica"]);
  assert.match(dot, /subgraph cluster_legend/);
  assert.match(dot, /bold box: a family's root/);
  assert.match(dot, /dashed box: related to no other model/);
  assert.match(dot, /dashed: direction from family structure only/);
  assert.match(dot, /"loner" \[style=dashed\]/);
});
