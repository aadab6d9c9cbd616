/**
 * The HTML compare report as people read it: verdict with its p-value and the decision threshold in
 * the headline, model names (not full paths), the parent estimate naming the model, "not tested"
 * drawn and labelled apart from "weak", a legend, a layout that does not scroll sideways on a
 * 700 px screen (nothing of fixed width, the heatmap scales), and hostile names escaped.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { compareModels } from "../../src/compare.js";
import { loadModel } from "../../src/load-model.js";
import { compareDocument, modelSummary } from "../../src/report/compare-document.js";
import { compareHtml, modelName } from "../../src/report/compare-html.js";
import { compareText } from "../../src/report/compare-text.js";
import { devPath } from "../../src/test-support/dev-truth.js";
import { tempDir } from "../../src/test-support/tmp.js";

function report(pathA: string, pathB: string): { html: string; doc: ReturnType<typeof compareDocument> } {
  const a = loadModel(pathA);
  const b = loadModel(pathB);
  try {
    const doc = compareDocument(compareModels(a, b), modelSummary(a), modelSummary(b), `pedigree compare ${pathA} ${pathB}`);
    return { html: compareHtml(doc), doc };
  } finally {
    a.close();
    b.close();
  }
}

test("HTML report: headline p-value and threshold, names not paths, named parent, legend, no fixed widths", () => {
  const { html, doc } = report(devPath("A"), devPath("A-drop"));
  assert.equal(doc.verdict, "derived");
  const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? "";
  assert.match(h1, /DERIVED: p = \d(\.\d)?e-\d+/);
  assert.match(h1, /Threshold: derived if p ≤ 1e-6/);
  assert.match(h1, /B = A-drop, A = A\b/);
  assert.ok(!h1.includes(devPath("A")), "no full path in the headline");
  // the parent estimate names a model, never a bare "a"/"b"
  const parent = /<h2>Parent estimate<\/h2><p>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? "";
  assert.match(parent, /A \(A\) is the parent of B \(A-drop\)|B \(A-drop\) is the parent of A \(A\)|undetermined/);
  // legend: shared, weak, no evidence and not tested, each its own swatch; not-tested cells hatched
  for (const label of ["shared: p ≤ 1e-6", "weak: tested", "tested, no evidence", "not tested"]) assert.ok(html.includes(label), label);
  const cells = [...html.matchAll(/<rect [^>]*fill="([^"]+)"><title>[^<]*: (not tested|p = [^<]+)<\/title>/g)];
  assert.ok(cells.length > 0);
  for (const c of cells) assert.equal(c[1] === "url(#nt)", c[2] === "not tested", `cell ${c[0].slice(0, 120)}`);
  assert.ok(cells.some((c) => c[2] === "not tested"), "A-drop leaves pairs unprobed");
  // 700 px: a viewport, the heatmap scales down, no fixed pixel width on anything else
  assert.match(html, /<meta name="viewport" content="width=device-width/);
  assert.match(html, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="[^"]+" width="\d+" style="max-width:100%;height:auto"/);
  const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
  assert.doesNotMatch(css, /(?<!max-)width:\s*\d{3,}px/);
  assert.match(css, /overflow-wrap:anywhere/);
  assert.match(css, /code\{[^}]*word-break:break-all/);
});

test("text report: every line fits the width asked for (80, 60) unless one word is longer", () => {
  const { doc } = report(devPath("A"), devPath("A-drop"));
  for (const width of [80, 60]) {
    const text = compareText(doc, width);
    for (const line of text.split("\n")) {
      if (line.length <= width) continue;
      assert.ok(!line.trim().includes(" ") || /^\S+(  +\S+)+$/.test(line.trim()), `line over ${width}: ${line}`);
    }
    assert.match(text, /^DERIVED +p = /);
  }
});

test("HTML report: hostile folder names are escaped and shown by name", () => {
  const dir = tempDir();
  const evil = join(dir, "<img src=x onerror=alert(1)>\u202e");
  mkdirSync(evil);
  cpSync(devPath("A"), evil, { recursive: true });
  const { html } = report(devPath("B"), evil);
  assert.ok(!html.includes("<img src=x"), "markup escaped");
  assert.ok(!html.includes("\u202e"), "bidi override escaped");
  assert.match(html, /&#60;img src=x onerror=alert\(1\)&#62;\\u202e/);
  assert.equal(modelName("/x/y/model-dir/"), "model-dir");
  assert.equal(modelName("/x/y/m.gguf"), "m.gguf");
});
