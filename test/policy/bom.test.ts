import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { ValidateFunction } from "ajv";
import { cyclonedxValidator, sarifValidator, spdxValidator } from "../../src/test-support/schemas.js";
import type { ReportInput } from "../../src/policy/report-input.js";
import { detectLicences } from "../../src/policy/licences/detect.js";
import { licenceObligations, obligationFindings } from "../../src/policy/licences/obligations.js";
import { cyclonedxBom } from "../../src/report/bom/cyclonedx.js";
import { reportInputDocument, REPORT_INPUT_SCHEMA } from "../../src/report/bom/json.js";
import { sarifLog } from "../../src/report/bom/sarif.js";
import { spdxDocument, SPDX_CONTEXT } from "../../src/report/bom/spdx.js";

const errors = (v: ValidateFunction) => JSON.stringify(v.errors?.slice(0, 5), null, 1);
/** What a consumer reads: the JSON text, parsed back. */
const wire = (o: unknown) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>;

const LLAMA31_TEXT = readFileSync("test/data/licences/llama3.1.txt", "utf8");

/** A realistic report: a GGUF re-upload of a Llama 3.1 fine-tune, renamed and relicensed, that also merged a Qwen model. */
function reportInput(): ReportInput {
  const declaredLicences = [
    ...detectLicences({ card: { license: "apache-2.0" }, gguf: { "general.license": "apache-2.0" }, files: [{ name: "LICENSE", text: LLAMA31_TEXT }] }),
    { id: "llama3.1", name: "Llama 3.1 Community License Agreement", url: "https://llama.meta.com/llama3_1/license/", source: "ancestor:meta-llama/Llama-3.1-8B", acknowledgement: "concluded" as const },
  ];
  const obligations = licenceObligations(["llama3.1", "qwen"], {
    name: "acme/wizard-8b-GGUF", declaredLicences, cardText: "# Wizard 8B\n\nOur best model.", files: [{ name: "LICENSE", text: LLAMA31_TEXT }],
  });
  return {
    tool: { name: "pedigree", version: "0.1.0" },
    timestamp: "2026-11-28T12:34:56.789Z",
    model: {
      name: "acme/wizard-8b-GGUF",
      path: "/models/wizard-8b/wizard-8b.Q4_K_M.gguf",
      format: "gguf",
      architecture: "llama",
      parameters: 8_030_261_248,
      files: [
        { file: "/models/wizard-8b/wizard-8b.Q4_K_M.gguf", bytes: 4_920_733_888, sha256: "3f0a8c3b1e2d4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c", partial: true },
        { file: "/models/wizard-8b/LICENSE", bytes: 7590, sha256: "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90", partial: false },
      ],
      declaredLicenses: declaredLicences,
      declaredBaseModels: ["mistralai/Mistral-7B-v0.1"],
      config: { hubId: "acme/wizard-8b-GGUF", revision: "0123456789ABCDEF0123456789abcdef01234567", architectures: ["LlamaForCausalLM"], task: "text-generation", nLayers: 32, dim: 4096, ropeTheta: 500000, vocab: 128256 },
    },
    ancestors: [
      {
        name: "meta-llama/Llama-3.1-8B-Instruct", owner: "meta-llama", tier: "gated", license: "llama3.1", log10PValue: -412.7,
        relation: "finetune", transforms: ["quantized:Q4_K_M", "qk-permute"],
        layerMap: Array.from({ length: 32 }, (_, b) => ({ a: b, b })), direction: "ancestor",
      },
      {
        name: "Qwen/Qwen2.5-7B-Instruct", owner: "Qwen", tier: "open", license: "Apache-2.0", log10PValue: -35.2,
        relation: "merge", transforms: ["partial-layers"],
        layerMap: Array.from({ length: 32 }, (_, b) => ({ a: b < 8 ? b : null, b })), direction: "ancestor",
      },
      {
        name: "acme/wizard-8b-instruct-v2", owner: "acme", tier: "open", license: null, log10PValue: -80.1,
        relation: "finetune", transforms: [], layerMap: [{ a: 0, b: 0 }], direction: "descendant",
      },
    ],
    findings: [
      {
        id: "undisclosed-base", severity: "high", title: "Undisclosed base model", about: "meta-llama/Llama-3.1-8B-Instruct",
        detail: "The weights derive from meta-llama/Llama-3.1-8B-Instruct, which the card does not name (it names mistralai/Mistral-7B-v0.1).",
        evidence: { log10PValue: -412.7, relation: "finetune", layersMapped: 32 }, fix: "Name meta-llama/Llama-3.1-8B-Instruct as base_model in the card.",
      },
      {
        id: "false-base-claim", severity: "medium", title: "Declared base not found in the weights", about: "mistralai/Mistral-7B-v0.1",
        detail: "mistralai/Mistral-7B-v0.1 is declared as base model but the weights are independent of it.", evidence: { log10PValue: -0.3, independent: true }, fix: "Remove the false base_model claim.",
      },
      ...obligationFindings(obligations, "acme/wizard-8b-GGUF", "meta-llama/Llama-3.1-8B-Instruct"),
      {
        id: "architecture-only", severity: "info", title: "Same architecture as TinyLlama", detail: "Shares the llama architecture with TinyLlama/TinyLlama-1.1B, independent weights.",
        evidence: { log10PValue: -0.1 }, fix: "Nothing to do.",
      },
    ],
  };
}

test("CycloneDX 1.6: valid against the official schema, with model card, hashes, licences and pedigree", () => {
  const input = reportInput();
  const bom = wire(cyclonedxBom(input));
  const validate = cyclonedxValidator();
  assert.ok(validate(bom), errors(validate));
  assert.equal(bom["specVersion"], "1.6");
  assert.match(String(bom["serialNumber"]), /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(wire(cyclonedxBom(input)), bom, "deterministic for the same input");
  const tools = (bom["metadata"] as { tools: { components: Array<{ name: string; version: string }> } }).tools.components;
  assert.deepEqual(tools.map((t) => [t.name, t.version]), [["pedigree", "0.1.0"]]);
  const [model] = bom["components"] as Array<Record<string, unknown>>;
  assert.equal(model?.["type"], "machine-learning-model");
  assert.equal(model?.["purl"], "pkg:huggingface/acme/wizard-8b-GGUF@0123456789abcdef0123456789abcdef01234567");
  const card = model?.["modelCard"] as { modelParameters: Record<string, string>; considerations: { ethicalConsiderations: unknown[] } };
  assert.deepEqual(card.modelParameters, { task: "text-generation", architectureFamily: "llama", modelArchitecture: "LlamaForCausalLM" });
  assert.ok(card.considerations.ethicalConsiderations.length >= 3);
  // Only whole-file digests are hashes; the partial one is a property.
  assert.deepEqual(model?.["hashes"], [{ alg: "SHA-256", content: "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90" }]);
  const lic = (model?.["licenses"] as Array<{ license: Record<string, unknown> }>).map((l) => [l.license["id"] ?? l.license["name"], l.license["acknowledgement"]]);
  assert.deepEqual(lic, [["Apache-2.0", "declared"], ["Llama 3.1 Community License Agreement", "declared"], ["Llama 3.1 Community License Agreement", "concluded"]]);
  const pedigree = model?.["pedigree"] as { ancestors: Array<Record<string, unknown>>; descendants: unknown[] };
  assert.equal(pedigree.ancestors.length, 2);
  assert.equal(pedigree.descendants.length, 1);
  const a0 = pedigree.ancestors[0] as { name: string; properties: Array<{ name: string; value: string }>; evidence: { identity: Array<{ confidence: number; methods: unknown[] }> } };
  assert.equal(a0.name, "meta-llama/Llama-3.1-8B-Instruct");
  const props = Object.fromEntries(a0.properties.map((p) => [p.name, p.value]));
  assert.equal(props["pedigree:relation"], "finetune");
  assert.equal(props["pedigree:pValue"], "0");
  assert.equal(props["pedigree:log10PValue"], "-412.7");
  assert.equal(JSON.parse(props["pedigree:layerMap"] ?? "[]").length, 32);
  assert.equal(a0.evidence.identity[0]?.confidence, 1);
});

test("CycloneDX 1.6: a minimal report (no ancestors, no findings) is valid too", () => {
  const input: ReportInput = {
    ...reportInput(), ancestors: [], findings: [],
    model: { ...reportInput().model, declaredLicenses: [], config: {}, declaredBaseModels: [], files: [] },
  };
  const validate = cyclonedxValidator();
  assert.ok(validate(wire(cyclonedxBom(input))), errors(validate));
});

test("SPDX 3.0.1: valid against the 3.0.1 JSON schema, and conformant with the AI profile", () => {
  const input = reportInput();
  const doc = wire(spdxDocument(input));
  const validate = spdxValidator();
  assert.ok(validate(doc), errors(validate));
  assert.equal(doc["@context"], SPDX_CONTEXT);
  const graph = doc["@graph"] as Array<Record<string, unknown>>;
  const byType = (t: string) => graph.filter((e) => e["type"] === t);
  const [ci] = byType("CreationInfo");
  assert.equal(ci?.["specVersion"], "3.0.1");
  assert.equal(ci?.["created"], "2026-11-28T12:34:56Z");
  assert.equal(byType("Tool").length, 1);
  // Shapes of spdx/spdx-3-model serialization/jsonld examples: every element has spdxId and creationInfo.
  for (const e of graph.filter((g) => g["type"] !== "CreationInfo")) {
    assert.match(String(e["spdxId"]), /^https:\/\//);
    assert.equal(e["creationInfo"], "_:creationinfo");
  }
  // AI profile: required properties of every ai_AIPackage, exactly one declared and one concluded licence.
  const pkgs = byType("ai_AIPackage");
  assert.equal(pkgs.length, 1);
  for (const p of pkgs) {
    for (const k of ["releaseTime", "suppliedBy", "software_downloadLocation", "software_packageVersion", "software_primaryPurpose"]) assert.ok(p[k], `${k} missing`);
    assert.equal(p["software_primaryPurpose"], "model");
    const rels = byType("Relationship").filter((r) => r["from"] === p["spdxId"]);
    for (const t of ["hasDeclaredLicense", "hasConcludedLicense"]) {
      const one = rels.filter((r) => r["relationshipType"] === t);
      assert.equal(one.length, 1, t);
      const to = one[0]?.["to"] as string[];
      assert.equal(to.length, 1);
      const target = graph.find((g) => g["spdxId"] === to[0]);
      assert.ok(target === undefined ? to[0]?.startsWith("expandedlicensing_") : target["type"] === "simplelicensing_LicenseExpression", t);
    }
    assert.deepEqual((p["verifiedUsing"] as Array<Record<string, string>>).map((h) => [h["algorithm"], h["hashValue"]]), [["sha256", "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"]]);
  }
  const declared = graph.find((g) => g["type"] === "simplelicensing_LicenseExpression");
  assert.equal(declared?.["simplelicensing_licenseExpression"], "Apache-2.0 AND LicenseRef-llama3.1");
  // Ancestors linked by descendantOf, with the evidence annotated.
  const desc = byType("Relationship").filter((r) => r["relationshipType"] === "descendantOf");
  assert.equal(desc.length, 2);
  const ann = byType("Annotation").find((a) => a["subject"] === desc[0]?.["spdxId"]);
  assert.equal(JSON.parse(String(ann?.["statement"]))["relation"], "finetune");
  assert.equal(byType("Relationship").filter((r) => r["relationshipType"] === "ancestorOf").length, 1);
  const [sd] = byType("SpdxDocument");
  assert.deepEqual(sd?.["rootElement"], [pkgs[0]?.["spdxId"]]);
  assert.equal((sd?.["element"] as string[]).length, graph.length - 2);
});

test("SPDX 3.0.1: no licences declared gives NoAssertion, still one relationship each", () => {
  const input: ReportInput = { ...reportInput(), ancestors: [], model: { ...reportInput().model, declaredLicenses: [], config: {} } };
  const doc = wire(spdxDocument(input));
  const validate = spdxValidator();
  assert.ok(validate(doc), errors(validate));
  const rels = (doc["@graph"] as Array<Record<string, unknown>>).filter((g) => g["type"] === "Relationship");
  assert.deepEqual(rels.map((r) => [r["relationshipType"], r["to"]]), [["hasDeclaredLicense", ["expandedlicensing_NoAssertionLicense"]], ["hasConcludedLicense", ["expandedlicensing_NoAssertionLicense"]]]);
});

test("the SPDX schema check is not vacuous: a broken document fails", () => {
  const validate = spdxValidator();
  const doc = wire(spdxDocument(reportInput()));
  const graph = doc["@graph"] as Array<Record<string, unknown>>;
  const pkg = graph.find((g) => g["type"] === "ai_AIPackage") as Record<string, unknown>;
  pkg["software_primaryPurpose"] = "weights";
  assert.equal(validate(doc), false);
  pkg["software_primaryPurpose"] = "model";
  (graph[0] as Record<string, unknown>)["created"] = "2026-11-28T12:34:56.789Z";
  assert.equal(validate(doc), false);
});

test("the CycloneDX and SARIF checks are not vacuous: broken documents fail", () => {
  const bom = wire(cyclonedxBom(reportInput()));
  (bom["components"] as Array<Record<string, unknown>>)[0]!["type"] = "ml-model";
  assert.equal(cyclonedxValidator()(bom), false);
  const log = wire(sarifLog(reportInput()));
  ((log["runs"] as Array<Record<string, unknown>>)[0]!["results"] as Array<Record<string, unknown>>)[0]!["level"] = "fatal";
  assert.equal(sarifValidator()(log), false);
});

test("SARIF 2.1.0: valid against the official schema; one rule per finding id, levels from severity", () => {
  const input = reportInput();
  const log = wire(sarifLog(input));
  const validate = sarifValidator();
  assert.ok(validate(log), errors(validate));
  const [run] = log["runs"] as Array<Record<string, unknown>>;
  const driver = (run?.["tool"] as { driver: { name: string; rules: Array<{ id: string }> } }).driver;
  assert.equal(driver.name, "pedigree");
  const ids = [...new Set(input.findings.map((f) => f.id))];
  assert.deepEqual(driver.rules.map((r) => r.id), ids);
  const results = run?.["results"] as Array<Record<string, unknown>>;
  assert.equal(results.length, input.findings.length);
  assert.deepEqual(results.map((r) => r["level"]), input.findings.map((f) => ({ critical: "error", high: "error", medium: "warning", low: "note", info: "note" })[f.severity]));
  for (const r of results) {
    assert.equal(driver.rules[r["ruleIndex"] as number]?.id, r["ruleId"]);
    const loc = (r["locations"] as Array<{ physicalLocation: { artifactLocation: { uri: string } } }>)[0];
    assert.match(loc?.physicalLocation.artifactLocation.uri ?? "", /^file:\/\/\/models\/wizard-8b\//);
  }
  const lic = results.find((r) => r["ruleId"] === "licence-obligation");
  assert.ok((lic?.["properties"] as Record<string, unknown>)["clause"]);
  // A licence finding for the renamed Llama derivative cites its clause.
  assert.ok(input.findings.some((f) => f.license?.clause === "Llama 3.1 Community License §1.b.i"));
  assert.ok(input.findings.some((f) => f.title.includes("Built with Qwen")));
});

test("JSON: the report input as-is, with a schema tag", () => {
  const input = reportInput();
  const doc = wire(reportInputDocument(input));
  assert.equal(doc["schema"], REPORT_INPUT_SCHEMA);
  assert.deepEqual({ ...doc, schema: undefined }, { ...wire(input), schema: undefined });
  assert.deepEqual(Object.keys(doc).slice(1), Object.keys(wire(input)));
});
