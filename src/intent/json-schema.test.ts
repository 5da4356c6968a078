import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { intentJsonSchema } from "./schema.js";

const FILE = new URL("../../docs/ward.schema.json", import.meta.url);

describe("docs/ward.schema.json", () => {
  it("is generated from the zod schema (run with WARD_UPDATE_SCHEMA=1 to refresh it)", () => {
    const expected = `${JSON.stringify(intentJsonSchema(), null, 2)}\n`;
    if (process.env.WARD_UPDATE_SCHEMA) writeFileSync(FILE, expected);
    expect(readFileSync(FILE, "utf8")).toBe(expected);
  });

  it("describes the top-level fields", () => {
    const schema = intentJsonSchema() as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual([
      "apiVersion",
      "kind",
      "namespaces",
      "defaults",
      "workloads",
      "paths",
    ]);
    expect(schema.additionalProperties).toBe(false);
  });
});
