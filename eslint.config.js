// Lint rules: typed TypeScript, no `any`, curly braces, and the pipeline's import direction
// (scripts/layers.mjs: each folder of src/ imports only from its own rank or below; nothing
// imports cli/ or server/). Tests and test-support/ may reach any layer.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import { LAYERS, ROOT_FILES } from "./scripts/layers.mjs";

/** One no-restricted-imports block per layer entry: everything ranked above it is off limits. */
function layerRules() {
  // src/index.ts is the package entry: nothing inside src imports it, and "**/index.js" would
  // match every folder's index, so it has no pattern.
  const pattern = (name) =>
    name === "index" ? [] : ROOT_FILES.has(name) ? [`**/${name}.js`, `**/${name}.ts`] : [`**/${name}/**`];
  return LAYERS.flatMap((row, rank) => {
    const above = LAYERS.slice(rank + 1).flat().concat(row.length > 1 ? row : []);
    return row.flatMap((name) => {
      const group = above.filter((n) => n !== name).flatMap(pattern);
      if (group.length === 0) return [];
      return [{
        files: ROOT_FILES.has(name) ? [`src/${name}.ts`] : [`src/${name}/**/*.ts`],
        ignores: ["**/*.test.ts"],
        rules: {
          "no-restricted-imports": ["error", { patterns: [{ group, message: `${name} may import only layers below it (scripts/layers.mjs)` }] }],
        },
      }];
    });
  });
}

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "bin/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  // the web UI runs in the browser (served as is, no build)
  { files: ["ui/**/*.js"], languageOptions: { globals: { ...globals.browser }, sourceType: "module" } },
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      curly: ["error", "multi-line"],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  ...layerRules(),
);
