// Lint rules: typed TypeScript, no `any`, curly braces, and the pipeline's import direction
// (formats -> model -> evidence -> verdict -> report; nothing imports cli/).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "bin/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
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
  {
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/cli/*"], message: "nothing imports cli/" }] }],
    },
  },
  {
    files: ["src/model/**/*.ts", "src/numeric/**/*.ts", "src/io/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["**/formats/*", "**/evidence/*", "**/verdict/*", "**/report/*", "**/registry/*", "**/policy/*", "**/cli/*"], message: "model/, numeric/ and io/ sit below formats and evidence" },
      ] }],
    },
  },
);
