import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findLicence, LICENCES } from "../../src/policy/licences/catalogue.js";
import { detectLicences } from "../../src/policy/licences/detect.js";
import { licenceFileKind, readLicenceFiles } from "../../src/policy/licences/files.js";
import { licenceObligations, obligationFindings } from "../../src/policy/licences/obligations.js";
import { REFERENCE_FINGERPRINTS } from "../../src/policy/licences/reference-fingerprints.js";
import { identifyLicenceText, referenceFingerprint, textFingerprint } from "../../src/policy/licences/text-fingerprint.js";

const DIR = "test/data/licences";
const fixtures = readdirSync(DIR).filter((f) => f.endsWith(".txt")).sort();
const text = (f: string) => readFileSync(join(DIR, f), "utf8");
const idOf = (f: string) => findLicence(f.slice(0, -4))?.id;

/** Re-wrap a text at `width` columns, as a different editor would. */
function reflow(s: string, width: number): string {
  const words = s.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + w.length + 1 > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

/** Replace `n` words spread through the text with other words (deterministic). */
function editWords(s: string, n: number): string {
  const words = s.split(/(\s+)/);
  const idx = words.map((w, i) => (/\S/.test(w) ? i : -1)).filter((i) => i >= 0);
  for (let k = 1; k <= n; k++) {
    const i = idx[Math.floor((idx.length * k) / (n + 1))];
    if (i !== undefined) words[i] = ["whereas", "hereinafter", "notwithstanding", "aforesaid", "pursuant"][k % 5] ?? "x";
  }
  return words.join("");
}

const README = `# TinyStories-33M fine-tune

This repository holds a small language model fine-tuned on children's stories. It was trained for three
epochs with a learning rate of 3e-4 and a cosine schedule, on a single GPU, and evaluated on held-out stories.

## Usage

Load it with transformers, generate with temperature 0.8, and keep prompts short. The tokenizer is the GPT-Neo
tokenizer. Results are best for English prompts of fewer than two hundred tokens.

## Limitations

The model makes up facts, repeats itself on long generations and was not aligned for safety. Do not use it for
anything that matters. Contributions and bug reports are welcome on the issue tracker.
`;

test("catalogue: unique ids, clauses cite the licence, flow-down terms forbid relicensing", () => {
  const ids = LICENCES.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const need of ["llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma", "qwen", "qwen-research", "tongyi-qianwen", "deepseek", "mrl", "mnpl",
    "falcon-llm-license", "openrail++", "creativeml-openrail-m", "Apache-2.0", "MIT", "CC-BY-4.0", "CC-BY-NC-4.0", "CC-BY-SA-4.0", "other", "unknown"]) {
    assert.ok(ids.includes(need), need);
  }
  for (const e of LICENCES) {
    const terms = [e.namePrefix, e.attribution, e.notice, e.copyRequired, e.changeNotices, e.useRestrictionsFlowDown, e.acceptableUsePolicy, e.mauThreshold,
      e.nonCommercial, e.shareAlike, e.appliesToOutputs, e.outputUseBan, e.euMultimodalRestriction];
    for (const t of terms) if (t) assert.ok(t.clause.length > 5, `${e.id}: clause`);
    if (e.read === "primary" && e.kind !== "permissive") {
      for (const t of terms) if (t) assert.match(t.clause, /§|\(/, `${e.id}: ${t.clause} has a section`);
    }
    const flowsDown = e.useRestrictionsFlowDown || e.nonCommercial || e.shareAlike || e.namePrefix || e.kind === "restricted";
    if (flowsDown) assert.equal(e.mayRelicense.value, false, `${e.id} must not allow relicensing`);
  }
  assert.equal(findLicence("llama3.1")?.namePrefix?.value, "Llama");
  assert.equal(findLicence("llama3")?.namePrefix?.value, "Llama 3");
  assert.deepEqual(findLicence("llama3")?.attribution?.value, ["Built with Meta Llama 3"]);
  assert.deepEqual(findLicence("qwen")?.attribution?.value, ["Built with Qwen", "Improved using Qwen"]);
  assert.equal(findLicence("llama3.3")?.mauThreshold?.value, 700_000_000);
  assert.equal(findLicence("tongyi-qianwen")?.mauThreshold?.value, 100_000_000);
  assert.equal(findLicence("gemma")?.appliesToOutputs?.value, true);
  assert.equal(findLicence("llama3.2")?.euMultimodalRestriction?.value, true);
  assert.equal(findLicence("llama3.1")?.euMultimodalRestriction, undefined);
  assert.equal(findLicence("Apache-2.0")?.mayRelicense.value, true);
  assert.equal(findLicence("llama3.1")?.namePrefix?.clause, "Llama 3.1 Community License §1.b.i");
});

test("catalogue: ids, Hub ids, names and aliases resolve", () => {
  const cases: Array<[string, string]> = [
    ["llama3.1", "llama3.1"], ["Llama 3.1 Community License", "llama3.1"], ["LLAMA 3.1 COMMUNITY LICENSE AGREEMENT", "llama3.1"], ["llama-3.2", "llama3.2"],
    ["Meta Llama 3 Community License", "llama3"], ["apache-2.0", "Apache-2.0"], ["Apache License 2.0", "Apache-2.0"], ["mit", "MIT"], ["cc-by-nc-4.0", "CC-BY-NC-4.0"],
    ["qwen", "qwen"], ["tongyi-qianwen", "tongyi-qianwen"], ["qwen-research", "qwen-research"], ["deepseek", "deepseek"], ["mrl", "mrl"],
    ["falcon-llm-license", "falcon-llm-license"], ["gemma", "gemma"], ["openrail++", "openrail++"], ["other", "other"], ["unknown", "unknown"],
  ];
  for (const [q, id] of cases) assert.equal(findLicence(q)?.id, id, q);
  assert.equal(findLicence("bsd-3-clause"), undefined);
});

test("reference fingerprints: one per fixture text, and up to date with the texts", () => {
  assert.equal(REFERENCE_FINGERPRINTS.length, fixtures.length);
  for (const f of fixtures) {
    const id = idOf(f);
    assert.ok(id, f);
    const stored = REFERENCE_FINGERPRINTS.find((r) => r.id === id);
    assert.deepEqual(stored, referenceFingerprint(id, text(f)), `${f}: run node --import tsx scripts/gen-licence-fingerprints.ts`);
  }
});

test("fingerprint: each known text is recognised as itself", () => {
  for (const f of fixtures) {
    const m = identifyLicenceText(text(f));
    assert.equal(m.id, idOf(f), f);
    assert.equal(m.method, "shingles");
    assert.equal(m.similarity, 1);
  }
});

test("fingerprint: recognised after reflowing, case changes and word edits", () => {
  for (const f of fixtures) {
    const want = idOf(f);
    const variants = {
      reflow40: reflow(text(f), 40),
      reflow120: reflow(text(f), 120),
      upper: text(f).toUpperCase(),
      lower: reflow(text(f).toLowerCase(), 72),
      edits: editWords(text(f), 4),
      all: reflow(editWords(text(f), 3), 55).toUpperCase(),
      crlfIndented: text(f).split("\n").map((l) => `    ${l}`).join("\r\n"),
    };
    for (const [how, v] of Object.entries(variants)) {
      const m = identifyLicenceText(v);
      assert.equal(m.id, want, `${f} ${how}: got ${m.id} (${m.similarity})`);
      assert.ok(m.similarity > 0.8, `${f} ${how}: similarity ${m.similarity}`);
    }
  }
});

test("fingerprint: the fingerprint ignores layout, and changes with the words", () => {
  const apache = text("apache-2.0.txt");
  assert.equal(textFingerprint(apache), textFingerprint(reflow(apache.toUpperCase(), 33)));
  assert.match(textFingerprint(apache), /^ltfp1:[0-9a-f]{32}$/);
  assert.notEqual(textFingerprint(apache), textFingerprint(editWords(apache, 1)));
});

test("fingerprint: unrelated or custom texts are 'other', never a guess", () => {
  const readme = identifyLicenceText(README);
  assert.equal(readme.id, "other");
  assert.equal(readme.method, "none");
  assert.ok(readme.similarity < 0.2);
  assert.equal(readme.fingerprint, identifyLicenceText(reflow(README, 50)).fingerprint);
  // A model card that quotes the MIT licence in a short section at its end is not the MIT licence.
  const longCard = `${README}\n${README.split(" ").reverse().join(" ")}\n## License\n\n${text("mit.txt")}`;
  assert.equal(identifyLicenceText(longCard).id, "other");
  // A home-made licence reusing some Apache sentences.
  const apache = text("apache-2.0.txt").split("\n");
  const custom = ["ACME MODEL LICENSE", "", "You may use the model only on Tuesdays and only for weather forecasting.", ...apache.slice(20, 26), README].join("\n");
  assert.equal(identifyLicenceText(custom).id, "other");
  assert.equal(identifyLicenceText("").id, "other");
  // Llama 3.1 / 3.2 / 3.3 / 4 differ in a few words only, and are still told apart.
  assert.equal(identifyLicenceText(text("llama3.1.txt").replace(/3\.1/g, "3.2")).id, "llama3.2");
});

test("fingerprint: a licence whose text is not held is named by its title only", () => {
  const qwenLike = text("tongyi-qianwen.txt").replace(/Tongyi Qianwen/g, "Qwen").replace("Qwen LICENSE AGREEMENT\n\nQwen Release Date: August 3, 2023", "Qwen LICENSE AGREEMENT\n\nQwen LICENSE AGREEMENT Release Date: September 19, 2024");
  const m = identifyLicenceText(qwenLike);
  assert.equal(m.id, "qwen");
  assert.equal(m.method, "title");
  assert.equal(identifyLicenceText("Our model card.\n\nThis model is released under the Qwen LICENSE AGREEMENT.").id, "other");
});

test("detect: card YAML license, license_name and license_link", () => {
  const a = detectLicences({ card: { license: "llama3.1", base_model: "meta-llama/Llama-3.1-8B" } });
  assert.deepEqual(a.map((l) => [l.id, l.source, l.acknowledgement]), [["llama3.1", "card:license", "declared"]]);
  assert.equal(a[0]?.name, "Llama 3.1 Community License Agreement");
  const b = detectLicences({ card: { license: "other", license_name: "qwen", license_link: "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE" } });
  assert.deepEqual(b.map((l) => [l.id, l.source, l.url]), [["qwen", "card:license_name", "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE"]]);
  const c = detectLicences({ card: { license: "other", license_name: "acme-model-license", license_link: "LICENSE" } });
  assert.deepEqual(c.map((l) => [l.id, l.name, l.url]), [["other", "acme-model-license", undefined]]);
  const d = detectLicences({ card: { license: ["apache-2.0", "cc-by-nc-4.0"] } });
  assert.deepEqual(d.map((l) => l.id), ["Apache-2.0", "CC-BY-NC-4.0"]);
  const e = detectLicences({ card: { license: "bsd-3-clause" } });
  assert.deepEqual(e.map((l) => [l.id, l.name]), [["bsd-3-clause", "bsd-3-clause"]]);
});

test("detect: config.json and GGUF metadata", () => {
  assert.deepEqual(detectLicences({ config: { license: "gemma", model_type: "gemma2" } }).map((l) => [l.id, l.source]), [["gemma", "config.json:license"]]);
  const g = detectLicences({ gguf: { "general.license": "other", "general.license.name": "deepseek", "general.license.link": "https://github.com/deepseek-ai/DeepSeek-V3/blob/main/LICENSE-MODEL" } });
  assert.deepEqual(g.map((l) => [l.id, l.source]), [["deepseek", "gguf:general.license.name"]]);
  const h = detectLicences({ gguf: { "general.license": "apache-2.0" } });
  assert.deepEqual(h.map((l) => [l.id, l.source]), [["Apache-2.0", "gguf:general.license"]]);
  // Some converters put the whole licence text into general.license.
  const t = detectLicences({ gguf: { "general.license": reflow(text("llama3.2.txt"), 90) } });
  assert.equal(t[0]?.id, "llama3.2");
  assert.equal(t[0]?.source, "gguf:general.license");
  assert.ok((t[0]?.match?.similarity ?? 0) > 0.95);
});

test("detect: LICENSE, NOTICE and USE_POLICY files", () => {
  const found = detectLicences({
    files: [
      { name: "LICENSE", text: reflow(text("llama3.1.txt"), 80) },
      { name: "NOTICE", text: "Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved." },
      { name: "USE_POLICY.md", text: "**Llama 3.1** **Acceptable Use Policy**\n\nMeta is committed to promoting safe and fair use of its tools and features, including Llama 3.1." },
      { name: "LICENSE.txt", text: README },
    ],
  });
  assert.deepEqual(found.map((l) => [l.id, l.source]), [["llama3.1", "file:LICENSE"], ["llama3.1", "file:NOTICE"], ["llama3.1", "file:USE_POLICY.md"], ["other", "file:LICENSE.txt"]]);
  assert.equal(found[0]?.match?.similarity, 1);
  assert.match(found[3]?.match?.fingerprint ?? "", /^ltfp1:/);
  assert.equal(detectLicences({ files: [{ name: "NOTICE", text: "Gemma is provided under and subject to the Gemma Terms of Use found at https://ai.google.dev/gemma/terms" }] })[0]?.id, "gemma");
});

test("files: licence file names, bounded reads", () => {
  for (const n of ["LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENSE-MODEL", "LICENSE_GEMMA.md", "COPYING"]) assert.equal(licenceFileKind(n), "licence", n);
  for (const n of ["NOTICE", "NOTICE.txt", "Notice.md"]) assert.equal(licenceFileKind(n), "notice", n);
  assert.equal(licenceFileKind("USE_POLICY.md"), "policy");
  for (const n of ["README.md", "config.json", "model.safetensors", "tokenizer.json"]) assert.equal(licenceFileKind(n), undefined, n);
  const dir = mkdtempSync(join(tmpdir(), "pedigree-lic-"));
  try {
    writeFileSync(join(dir, "LICENSE"), text("mit.txt"));
    writeFileSync(join(dir, "NOTICE"), "x".repeat((1 << 20) + 100));
    writeFileSync(join(dir, "config.json"), "{}");
    const got = readLicenceFiles(dir);
    assert.deepEqual(got.map((f) => f.name), ["LICENSE", "NOTICE"]);
    assert.equal(got[1]?.text.length, 1 << 20);
    assert.equal(detectLicences({ files: got })[0]?.id, "MIT");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const llamaFiles = [
  { name: "LICENSE", text: text("llama3.1.txt") },
  { name: "NOTICE", text: "Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved." },
];

test("obligations: a Llama 3.1 derivative renamed without the 'Llama' prefix", () => {
  const broken = licenceObligations("llama3.1", { name: "acme/my-model", declaredLicences: ["llama3.1"], cardText: "# my-model\n\nBuilt with Llama.", files: llamaFiles });
  assert.deepEqual(broken.map((o) => o.kind), ["name-prefix"]);
  assert.equal(broken[0]?.licence, "llama3.1");
  assert.equal(broken[0]?.clause, "Llama 3.1 Community License §1.b.i");
  const ok = licenceObligations("llama3.1", { name: "acme/Llama-3.1-8B-acme-chat", declaredLicences: ["llama3.1"], cardText: "Built with Llama", files: llamaFiles });
  assert.deepEqual(ok, []);
  // Llama 3 asks for "Llama 3" and "Built with Meta Llama 3".
  const l3 = licenceObligations("llama3", { name: "Llama-2-style-chat", declaredLicences: ["llama3"], cardText: "Built with Llama", files: [] });
  assert.deepEqual(l3.map((o) => o.kind).sort(), ["attribution", "licence-copy", "name-prefix", "notice"]);
});

test("obligations: MIT declared on a CC-BY-NC derivative is relicensing", () => {
  const broken = licenceObligations("cc-by-nc-4.0", { name: "my-model", declaredLicences: [{ id: "MIT", name: "MIT License", source: "card:license", acknowledgement: "declared" }], cardText: "Licensed under CC-BY-NC-4.0 originally.", files: [{ name: "LICENSE", text: text("mit.txt") }] });
  const kinds = broken.map((o) => o.kind);
  assert.ok(kinds.includes("relicensed"), kinds.join());
  assert.ok(kinds.includes("non-commercial"), kinds.join());
  const r = broken.find((o) => o.kind === "relicensed");
  assert.equal(r?.licence, "CC-BY-NC-4.0");
  assert.match(r?.clause ?? "", /CC BY-NC 4\.0 §2\(a\)\(1\), §3\(a\)\(4\)/);
  assert.equal(r?.severity, "high");
  // A CC-BY-NC-SA derivative keeps the NC terms; a CC-BY-SA ancestor needs SA kept.
  assert.deepEqual(licenceObligations("cc-by-nc-4.0", { name: "m", declaredLicences: ["cc-by-nc-sa-4.0"], cardText: "see https://creativecommons.org/licenses/by-nc/4.0/legalcode", files: [] }), []);
  assert.deepEqual(licenceObligations("CC-BY-SA-4.0", { name: "m", declaredLicences: ["apache-2.0"], cardText: "Creative Commons Attribution-ShareAlike 4.0 International", files: [] }).map((o) => o.kind), ["share-alike"]);
  // MIT on a Llama derivative.
  const llama = licenceObligations("llama3.3", { name: "Llama-3.3-x", declaredLicences: ["mit"], cardText: "Built with Llama", files: llamaFiles });
  assert.ok(llama.some((o) => o.kind === "relicensed" && o.clause === "Llama 3.3 Community License §1.b.i"));
  // Apache-2.0 allows different terms on derivatives.
  assert.deepEqual(licenceObligations("apache-2.0", { name: "m", declaredLicences: ["mit"], cardText: "", files: [{ name: "LICENSE", text: text("apache-2.0.txt") }] }), []);
});

test("obligations: a Qwen derivative without 'Built with Qwen'", () => {
  const d = { name: "acme/qwen-72b-acme", declaredLicences: ["qwen"], cardText: "# Acme 72B\n\nFine-tuned from Qwen2.5-72B-Instruct.", files: [{ name: "LICENSE" }, { name: "NOTICE" }] };
  const broken = licenceObligations({ id: "qwen", name: "Qwen LICENSE AGREEMENT", source: "card:license_name", acknowledgement: "declared" }, d);
  assert.deepEqual(broken.map((o) => o.kind), ["attribution"]);
  assert.match(broken[0]?.title ?? "", /Built with Qwen/);
  assert.deepEqual(licenceObligations("qwen", { ...d, cardText: d.cardText + "\n\nImproved using Qwen." }), []);
});

test("obligations: a merge inherits every parent's obligations; distillation only where outputs count", () => {
  const merged = licenceObligations(["llama3.1", "gemma"], { name: "franken-merge", declaredLicences: ["apache-2.0"], cardText: "A merge.", files: [] });
  const by = (id: string) => merged.filter((o) => o.licence === id).map((o) => o.kind).sort();
  assert.deepEqual(by("llama3.1"), ["attribution", "licence-copy", "name-prefix", "notice", "relicensed"]);
  assert.deepEqual(by("gemma"), ["licence-copy", "notice", "relicensed"]);
  // Declaring both parents' licences is what a merge should do: neither is taken for a relicensing.
  const both = licenceObligations(["llama3.1", "gemma"], { name: "Llama-franken-merge", declaredLicences: ["llama3.1", "gemma"], cardText: "Built with Llama", files: [] });
  assert.ok(!both.some((o) => o.kind === "relicensed"), both.map((o) => o.kind).join());
  // Trained on Llama 3 outputs: forbidden (§1.b.v); on Llama 3.1 outputs: allowed, with the name prefix.
  const l3 = licenceObligations("llama3", { name: "Student-1B", declaredLicences: ["apache-2.0"], cardText: "", files: [], relation: "distillation" });
  assert.deepEqual(l3.map((o) => [o.kind, o.clause]), [["output-use", "Meta Llama 3 Community License §1.b.v"]]);
  const l31 = licenceObligations("llama3.1", { name: "Student-1B", declaredLicences: ["llama3.1"], cardText: "Built with Llama", files: llamaFiles, relation: "distillation" });
  assert.deepEqual(l31.map((o) => o.kind), ["name-prefix"]);
  assert.deepEqual(licenceObligations("apache-2.0", { name: "s", declaredLicences: [], files: [], relation: "distillation" }), []);
  // A quantized copy keeps the upstream name.
  assert.deepEqual(licenceObligations("llama3.1", { name: "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", declaredLicences: ["llama3.1"], cardText: "Built with Llama", files: llamaFiles, relation: "quantized" }), []);
  assert.deepEqual(licenceObligations("unknown", { name: "x", declaredLicences: [], files: [] }).map((o) => o.kind), ["unverified-terms"]);
});

test("obligations: as findings", () => {
  const broken = licenceObligations("llama3.1", { name: "my-model", declaredLicences: ["llama3.1"], cardText: "Built with Llama", files: llamaFiles });
  const [f] = obligationFindings(broken, "my-model", "meta-llama/Llama-3.1-8B");
  assert.equal(f?.id, "licence-obligation");
  assert.deepEqual(f?.license, { id: "llama3.1", clause: "Llama 3.1 Community License §1.b.i" });
  assert.equal(f?.about, "meta-llama/Llama-3.1-8B");
  assert.equal(f?.evidence["obligation"], "name-prefix");
});
