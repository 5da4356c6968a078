import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError, type InputProblem } from "../errors/input-error.js";
import { loadModel } from "./load-model.js";

const BAD = "test/fixtures/k8s/bad";

/** The line each fixture's one problem is reported at. */
const LINES: Record<string, number> = {
  "duplicate-port-name.yaml": 16,
  "empty-peer.yaml": 9,
  "end-port-before-port.yaml": 10,
  "except-outside-cidr.yaml": 13,
  "invalid-cidr.yaml": 10,
  "invalid-end-port.yaml": 10,
  "invalid-ip.yaml": 10,
  "invalid-label.yaml": 6,
  "invalid-name.yaml": 4,
  "invalid-operator.yaml": 9,
  "invalid-owner-references.yaml": 5,
  "invalid-peer.yaml": 9,
  "invalid-policy-type.yaml": 9,
  "invalid-port-name.yaml": 9,
  "invalid-protocol.yaml": 10,
  "invalid-replicas.yaml": 6,
  "invalid-selector.yaml": 10,
  "invalid-service-type.yaml": 6,
  "invalid-type.yaml": 7,
  "json-syntax.json": 4,
  "missing-field.yaml": 8,
  "missing-kind.yaml": 1,
  "missing-name.yaml": 3,
  "not-an-object.yaml": 2,
  "port-out-of-range.yaml": 10,
  "yaml-syntax.yaml": 4,
};

async function problemsOf(path: string): Promise<readonly InputProblem[]> {
  try {
    await loadModel([path]);
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  return [];
}

describe("bad-input fixtures (one per problem code)", () => {
  const files = readdirSync(BAD).sort();

  it("has a fixture for every code listed here, and lists every fixture", () => {
    expect(files).toEqual(Object.keys(LINES).sort());
  });

  for (const file of files) {
    const code = file.replace(/\.(ya?ml|json)$/, "");
    it(`${file} fails with exactly one "${code}" problem at its line`, async () => {
      const problems = await problemsOf(`${BAD}/${file}`);
      expect(problems.map((p) => ({ code: p.code, file: p.file, line: p.line }))).toEqual([
        { code, file: `${BAD}/${file}`, line: LINES[file] },
      ]);
    });
  }
});
