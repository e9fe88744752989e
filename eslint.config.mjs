// ESLint flat config: TypeScript under src/, scripts/, test/, tasks/ and hardhat.config.ts,
// type-aware (a forgotten `await` on a chain call is the classic silent test bug).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "artifacts/",
      "cache/",
      "coverage/",
      "dist/",
      "reports/",
      "schema/",
      "target/",
      "typechain-types/",
      "wasm-contracts/",
    ],
  },
  {
    files: ["src/**/*.ts", "scripts/**/*.ts", "test/**/*.ts", "tasks/**/*.ts", "hardhat.config.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // Chai's property assertions (`expect(x).to.be.true`) read as unused expressions.
      "@typescript-eslint/no-unused-expressions": "off",
      // Hardhat's ethers and typechain types make these noisy without catching real bugs.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      eqeqeq: ["error", "always"],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // A focused or skipped test silently shrinks the suite.
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[callee.object.name=/^(describe|it|context)$/][callee.property.name=/^(only|skip)$/]",
          message: "No .only/.skip in committed tests.",
        },
        { selector: "CallExpression[callee.name=/^(xit|xdescribe)$/]", message: "No skipped tests." },
      ],
    },
  },
  {
    files: ["**/*.mjs"],
    extends: [js.configs.recommended],
    languageOptions: {
      globals: { console: "readonly", process: "readonly", URL: "readonly" },
    },
  },
);
