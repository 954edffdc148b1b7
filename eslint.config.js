import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Production code never imports test support; the demo and the bench take theirs from stand-ins/.
const testOnly = {
  regex: "(^|/)test/",
  message: "Only tests import from test/. Stand-ins the demo or the bench need live in stand-ins/.",
};
const notProduction = {
  regex: "(^|/)(stand-ins|demo|bench)/",
  message: "Production code never imports stand-ins/, demo/ or bench/.",
};
// The folders that ship, including those the target layout names before they exist.
const production = [
  "bin",
  "relay",
  "tool-server",
  "github",
  "store",
  "lib",
  "openapi",
  "deployment",
  "config",
  "open-webui",
  "notify",
].map((d) => `${d}/**`);

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "test-artifacts/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // Only entry points read the environment (house style); tests pass their own.
    files: [
      "relay/**",
      "tool-server/**",
      "github/**",
      "store/**",
      "deployment/**",
      "config/**",
      "lib/**",
      "open-webui/**",
    ],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read the environment only in bin/ through loadConfig(env)." },
      ],
    },
  },
  {
    ignores: ["test/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [testOnly] }] },
  },
  {
    files: production,
    rules: {
      "no-restricted-imports": ["error", { patterns: [testOnly, notProduction] }],
      // Small files and functions (house style); a factory counts with the functions inside it.
      "max-lines": ["error", { max: 150, skipBlankLines: true, skipComments: true }],
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
);
