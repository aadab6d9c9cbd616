// `pedigree forge` end to end: what it writes (the model, forge.json), what it refuses before
// writing anything, and that an interrupted forge never leaves a file under the output name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PedigreeError } from "../errors.js";
import { loadModel } from "../load-model.js";
import { runCli } from "../test-support/cli.js";
import { REPO, sharedPath } from "../test-support/shared.js";
import { tempDir } from "../test-support/tmp.js";
import { forge, type ForgeOptions } from "./forge.js";

const A = sharedPath("dev-families", "A");
const STORIES = sharedPath("models", "stories260K", "stories260K.bin");

/** The library forge: throws what the CLI prints as one line with exit code 2. */
function refused(opts: ForgeOptions, re: RegExp): void {
  assert.throws(() => forge(opts), (e: unknown) => e instanceof PedigreeError && re.test(e.message), `${opts.steps ?? ""} -> ${opts.out}: ${re.source}`);
}

test("forge writes the derivative and its forge.json (folder and single file)", () => {
  const dir = tempDir("pedigree-forge-cli-");
  const out = join(dir, "a-derived");
  const r = runCli(["forge", A, "--steps", "permute,finetune-drift:0.1,drop-layers:2+3", "--out", out, "--seed", "5", "--name", "totally-original", "--declare-base", "meta-llama/Llama-2-7b", "--license", "apache-2.0"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /forged .*a-derived \(hf, F16/);
  assert.match(r.stdout, /relation: layer-drop \(chain: obfuscated, finetune, layer-drop\)/);
  const rec = JSON.parse(readFileSync(join(out, "forge.json"), "utf8"));
  assert.equal(rec.format, "pedigree-forge/1");
  assert.equal(rec.seed, 5);
  assert.equal(rec.truth.relation, "layer-drop");
  assert.deepEqual(rec.truth.layerMap, { 0: 0, 1: 1, 2: 4, 3: 5 });
  assert.equal(rec.parents[0].path, A);
  assert.match(rec.parents[0].identity.f32Sha256, /^[0-9a-f]{64}$/);
  assert.equal(rec.parents[0].identity.tensor, "embed");
  assert.deepEqual(rec.truth.card, { baseModelClaim: ["meta-llama/Llama-2-7b"], claimTrue: false, license: "apache-2.0" });
  assert.equal(rec.chain[0].record.residual.length, 128, "small permutations are recorded");
  const m = loadModel(out);
  assert.equal(m.params.nLayers, 4);
  assert.deepEqual(m.declared.baseModels, ["meta-llama/Llama-2-7b"]);
  assert.equal(m.declared.license, "apache-2.0");
  m.close();
  const card = readFileSync(join(out, "README.md"), "utf8");
  assert.match(card, /^# totally-original$/m);
  assert.doesNotMatch(card, /forge|permute/i, "the card does not give the forge away");

  const gguf = join(dir, "s.gguf");
  const g = runCli(["forge", STORIES, "--steps", "noise:0.02", "--out", gguf, "--json"]);
  assert.equal(g.code, 0, g.stderr);
  assert.ok(existsSync(`${gguf}.forge.json`));
  const j = JSON.parse(g.stdout);
  assert.equal(j.output.format, "gguf");
  assert.equal(j.truth.relation, "noise");
  assert.deepEqual(JSON.parse(readFileSync(`${gguf}.forge.json`, "utf8")).truth, j.truth);
  const s = loadModel(gguf);
  assert.equal(s.declared.name, "stories260K-forged");
  s.close();
});

test("forge --synthesize makes new models; shape flags need it and --experts needs mixtral", () => {
  const dir = tempDir("pedigree-forge-syn-");
  const out = join(dir, "tiny");
  forge({ synthesize: { family: "llama", dim: 64, layers: 2, ffn: 96, heads: 4, kvHeads: 2, vocab: 300, seed: 0 }, out, seed: 9 });
  const m = loadModel(out);
  assert.deepEqual([m.params.dim, m.params.nLayers, m.params.ffn, m.params.nHeads, m.params.nKvHeads, m.params.vocab], [64, 2, 96, 4, 2, 300]);
  assert.equal(m.entries[0]?.dtype, "BF16");
  m.close();
  const rec = JSON.parse(readFileSync(join(out, "forge.json"), "utf8"));
  assert.equal(rec.truth.relation, "synthesized");
  assert.deepEqual(rec.parents, []);
  const moe = runCli(["forge", "--synthesize", "mixtral", "--dim", "64", "--layers", "1", "--ffn", "64", "--heads", "4", "--experts", "2", "--vocab", "100", "--steps", "permute", "--out", join(dir, "moe.gguf")]);
  assert.equal(moe.code, 0, moe.stderr);
  const mm = loadModel(join(dir, "moe.gguf"));
  assert.equal(mm.params.nExperts, 2);
  mm.close();
  const bad = runCli(["forge", "--synthesize", "llama", "--experts", "8", "--out", join(dir, "x")]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^pedigree: --experts .* --synthesize mixtral.*\n$/);
  const noSyn = runCli(["forge", A, "--dim", "64", "--steps", "permute", "--out", join(dir, "y")]);
  assert.equal(noSyn.code, 2);
  assert.match(noSyn.stderr, /^pedigree: --dim shapes a synthesized model.*\n$/);
  assert.deepEqual(readdirSync(dir).sort(), ["moe.gguf", "moe.gguf.forge.json", "tiny"]);
});

test("steps that do not fit the model fail with one UsageError before anything is written", () => {
  const dir = tempDir("pedigree-forge-bad-");
  mkdirSync(join(dir, "exists"));
  const D = sharedPath("dev-families", "D");
  const cases: Array<[ForgeOptions, RegExp]> = [
    [{ input: A, steps: "drop-layers:0-9", out: join(dir, "o1") }, /6 layers.*no layer 6/],
    [{ input: A, steps: "drop-layers:0-5", out: join(dir, "o2") }, /would leave none/],
    [{ input: A, steps: `merge:linear=${D}`, out: join(dir, "o3") }, /does not have this model's shape/],
    [{ input: sharedPath("dev-families", "A-moe"), steps: "moe-upcycle:4", out: join(dir, "o4") }, /already a mixture of 4 experts/],
    [{ input: STORIES, steps: "quantize:Q8_0", out: join(dir, "o5.gguf") }, /not a multiple of Q8_0's 32-value blocks.*f32-fallback/],
    [{ input: STORIES, steps: "noise", dtype: "Q8_0", out: join(dir, "o5b.gguf") }, /fit no block type.*quantize:Q8_0:f32-fallback/],
    [{ input: sharedPath("models", "gpt-by-hand", "ckpt-run1.pt"), steps: "rotate", out: join(dir, "o6") }, /rotate needs a llama-family model.*GPT-2/],
    [{ input: A, steps: "noise", dtype: "Q4_K", out: join(dir, "o7") }, /safetensors holds F32, F16 or BF16/],
    [{ input: A, steps: "rename:meta", out: join(dir, "o8.gguf") }, /rename applies to safetensors folders/],
    [{ input: A, steps: "convert:gguf", out: join(dir, "o9") }, /needs a file name ending in \.gguf/],
    [{ input: A, steps: "vocab-trim:5", out: join(dir, "o10") }, /can be dropped/],
    [{ input: A, steps: "permute", out: join(dir, "exists") }, /already exists \(use --force/],
    [{ input: join(dir, "missing"), steps: "permute", out: join(dir, "o11") }, /no such file/],
    [{ input: A, steps: "permute", out: A }, /overwrite the input/],
    [{ input: A, steps: "transplant:layers.0=/nonexistent/model", out: join(dir, "o12") }, /does not exist/],
    [{ input: A, steps: "prmute", out: join(dir, "o13") }, /did you mean "permute"/],
    [{ input: A, steps: "convert:llama2c", dtype: "F16", out: join(dir, "o14.bin") }, /llama2\.c checkpoints are F32/],
    [{ input: sharedPath("dev-families", "A-moe"), steps: "noise", out: join(dir, "o15.bin") }, /dense llama-family models only/],
    [{ input: sharedPath("dev-families", "A-moe"), steps: "rename:transformer-h", out: join(dir, "o16") }, /no transformer-h name for (expert )?tensor layers\.0\.moe/],
  ];
  for (const [opts, re] of cases) refused(opts, re);
  // as the CLI says it: exit code 2, one line
  const r = runCli(["forge", A, "--steps", "drop-layers:0-9", "--out", join(dir, "o1")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^pedigree: drop-layers: the model has 6 layers \(0\.\.5\); there is no layer 6, 7, 8, 9\n$/);
  assert.deepEqual(readdirSync(dir), ["exists"], "nothing written, no partial files");
});

test("--force replaces an existing output; an interrupted forge leaves nothing under the output name", async () => {
  const dir = tempDir("pedigree-forge-kill-");
  const out = join(dir, "a");
  forge({ input: A, steps: "noise", out });
  forge({ input: A, steps: "drop-layers:0", out, force: true });
  assert.equal(JSON.parse(readFileSync(join(out, "forge.json"), "utf8")).truth.relation, "layer-drop");
  assert.deepEqual(readdirSync(dir), ["a"]);

  // interrupted in the middle of writing a folder: Ctrl-C stops the forge and removes its partial
  // files; kill -9 cannot be answered, but leaves only <out>.partial-<pid>
  const startBig = async (name: string, signal: NodeJS.Signals): Promise<{ code: number | null; partial: string | undefined }> => {
    const args = ["forge", "--synthesize", "llama", "--dim", "1024", "--layers", "16", "--ffn", "2816", "--heads", "8", "--vocab", "32000", "--out", join(dir, name)];
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO, "src", "cli", "run.ts"), ...args], { cwd: REPO, stdio: "ignore", env: { ...process.env, PEDIGREE_NO_PROGRESS: "1" } });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const started = Date.now();
    let partial: string | undefined;
    while (!partial && Date.now() - started < 60_000) {
      await new Promise((r) => setTimeout(r, 20));
      partial = readdirSync(dir).find((n) => n.startsWith(`${name}.partial-`));
      if (partial && !readdirSync(join(dir, partial)).some((n) => n.includes("safetensors"))) partial = undefined;
    }
    child.kill(signal);
    return { code: await exited, partial };
  };
  const int = await startBig("big", "SIGINT");
  assert.ok(int.partial, "the forge started writing");
  assert.equal(int.code, 130);
  assert.deepEqual(readdirSync(dir), ["a"], "Ctrl-C: nothing under the output name, partial files removed");
  const killed = await startBig("big", "SIGKILL");
  assert.ok(killed.partial);
  assert.ok(!existsSync(join(dir, "big")), "kill -9: nothing under the output name");
  assert.deepEqual(readdirSync(dir).sort(), ["a", killed.partial]);
});
