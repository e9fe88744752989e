import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { npmComponents } from "../../src/deploy/sbom";

describe("CycloneDX SBOM (npm part)", () => {
  it("purls, integrity hashes, licenses, dev flag and nested resolution from a lock file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "vagus-sbom-"));
    try {
      // sha512 of nothing in particular: 64 bytes 0x01..0x40 in base64.
      const bytes = Buffer.from(Array.from({ length: 64 }, (_, i) => i + 1));
      writeFileSync(
        path.join(dir, "package-lock.json"),
        JSON.stringify({
          lockfileVersion: 3,
          packages: {
            "": { name: "root", version: "1.0.0", dependencies: { a: "^1" }, devDependencies: { "@s/b": "^2" } },
            "node_modules/a": {
              version: "1.2.3",
              integrity: `sha512-${bytes.toString("base64")}`,
              license: "MIT",
              dependencies: { c: "^1" },
            },
            "node_modules/a/node_modules/c": { version: "1.0.0", license: "(MIT OR Apache-2.0)" },
            "node_modules/c": { version: "2.0.0", dev: true },
            "node_modules/@s/b": { version: "2.0.0", dev: true, dependencies: { c: "^2" } },
          },
        }),
      );
      const { components, dependencies, rootDeps } = npmComponents(path.join(dir, "package-lock.json"));
      const a = components.find((c) => c.name === "a")!;
      expect(a.purl).to.equal("pkg:npm/a@1.2.3");
      expect(a.hashes).to.deep.equal([{ alg: "SHA-512", content: bytes.toString("hex") }]);
      expect(a.licenses).to.deep.equal([{ license: { id: "MIT" } }]);
      expect(a.scope).to.equal("required");
      const b = components.find((c) => c.name === "b")!;
      expect(b.group).to.equal("@s");
      expect(b.purl).to.equal("pkg:npm/%40s/b@2.0.0");
      expect(b.scope).to.equal("optional");
      expect(components.find((c) => c.purl === "pkg:npm/c@1.0.0")!.licenses).to.deep.equal([
        { expression: "(MIT OR Apache-2.0)" },
      ]);
      // a's c is its nested 1.0.0; b's c is the top-level 2.0.0.
      expect(dependencies.find((d) => d.ref === "pkg:npm/a@1.2.3")!.dependsOn).to.deep.equal(["pkg:npm/c@1.0.0"]);
      expect(dependencies.find((d) => d.ref === "pkg:npm/%40s/b@2.0.0")!.dependsOn).to.deep.equal(["pkg:npm/c@2.0.0"]);
      expect(rootDeps.sort()).to.deep.equal(["pkg:npm/%40s/b@2.0.0", "pkg:npm/a@1.2.3"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
