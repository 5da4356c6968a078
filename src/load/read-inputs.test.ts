import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors/input-error.js";
import { loadModel } from "./load-model.js";
import { readInputs } from "./read-inputs.js";

const FIXTURES = "test/fixtures/k8s";

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("readInputs", () => {
  it("reads a file given by path, whatever its extension", async () => {
    const inputs = await readInputs([`${FIXTURES}/tree/apps/notes.txt`]);
    expect(inputs).toEqual([{ file: `${FIXTURES}/tree/apps/notes.txt`, text: "kind: Pod\n" }]);
  });

  it("reads directories recursively, in sorted order, only .yaml, .yml and .json files", async () => {
    const inputs = await readInputs([`${FIXTURES}/tree`]);
    expect(inputs.map((i) => i.file)).toEqual([
      `${FIXTURES}/tree/apps/nested/db.json`,
      `${FIXTURES}/tree/apps/web.yml`,
      `${FIXTURES}/tree/namespaces.yaml`,
      `${FIXTURES}/tree/policies/deny.yaml`,
    ]);
  });

  it('reads "-" from the stdin callback, named <stdin>, once even if given twice', async () => {
    let calls = 0;
    const stdin = async () => {
      calls++;
      return "kind: Namespace\n";
    };
    const inputs = await readInputs(["-", `${FIXTURES}/tree/namespaces.yaml`, "-"], stdin);
    expect(inputs.map((i) => i.file)).toEqual(["<stdin>", `${FIXTURES}/tree/namespaces.yaml`, "<stdin>"]);
    expect(inputs[0]?.text).toBe("kind: Namespace\n");
    expect(calls).toBe(1);
  });

  it("reports every missing path as not-found, in one InputError", async () => {
    const error = await inputError(readInputs(["nope.yaml", `${FIXTURES}/tree`, "missing/dir"]));
    expect(error.problems.map((p) => [p.code, p.file]).sort()).toEqual([
      ["not-found", "missing/dir"],
      ["not-found", "nope.yaml"],
    ]);
  });

  it("follows symlinked directories once, without looping", async () => {
    const root = await mkdtemp(join(tmpdir(), "ward-read-"));
    await mkdir(join(root, "a"));
    await writeFile(join(root, "a", "x.yaml"), "kind: Namespace\n");
    await symlink(root, join(root, "a", "loop"));
    try {
      const inputs = await readInputs([root]);
      expect(inputs.map((i) => i.file)).toEqual([join(root, "a", "x.yaml")]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("loadModel", () => {
  it("reads paths and stdin, then builds the model", async () => {
    const pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-stdin\n  namespace: shop\n";
    const model = await loadModel([`${FIXTURES}/tree`, "-"], async () => pod);
    expect(model.workloads.map((w) => w.id)).toEqual(["shop/db", "shop/from-stdin", "shop/web"]);
    expect(model.pods.find((p) => p.name === "from-stdin")?.source).toEqual({
      kind: "Pod",
      name: "from-stdin",
      namespace: "shop",
      file: "<stdin>",
      line: 1,
    });
    expect(model.policies.map((p) => `${p.namespace}/${p.name}`)).toEqual(["shop/default-deny"]);
    expect(model.warnings).toEqual([]);
  });
});
