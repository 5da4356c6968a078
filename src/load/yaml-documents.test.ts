import { describe, expect, it } from "vitest";
import { ITEM_REPARSERS } from "./positions.js";
import { parseDocuments } from "./yaml-documents.js";

function parse(text: string, file = "m.yaml") {
  return parseDocuments({ file, text });
}

describe("parseDocuments", () => {
  it("splits multi-document YAML, skips empty documents and records where each starts", () => {
    const { documents, problems } = parse("---\na: 1\n---\n---\n# nothing\n---\n\nb: 2\n...\nc: 3\n");
    expect(problems).toEqual([]);
    expect(documents.map((d) => [d.value, d.line])).toEqual([
      [{ a: 1 }, 2],
      [{ b: 2 }, 8],
      [{ c: 3 }, 10],
    ]);
  });

  it("parses documents outside the fast subset with the yaml library, with the same lines", () => {
    const text = "a: 1\n---\nbase: &b\n  x: 1\ncopy: *b\nlist:\n  - !!str 5\n---\nz:\n  - q\n";
    const { documents } = parse(text);
    expect(documents.map((d) => d.value)).toEqual([
      { a: 1 },
      { base: { x: 1 }, copy: { x: 1 }, list: ["5"] },
      { z: ["q"] },
    ]);
    const [, second, third] = documents;
    expect(second?.line).toBe(3);
    expect(second?.locator.lineOf(["list", 0])).toBe(7);
    expect(second?.locator.child(["base"]).lineOf(["x"])).toBe(4);
    expect(third?.locator.lineOf(["z", 0])).toBe(10);
  });

  it("reports a YAML syntax error with its line and keeps the other documents", () => {
    const { documents, problems } = parse("a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n");
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }, { d: 4 }]);
    expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([["yaml-syntax", "m.yaml", 4]]);
  });

  it("reads JSON text with the JSON parser, also in a .yaml file", () => {
    const { documents } = parse('{\n  "kind": "Pod",\n  "metadata": {"name": "x"}\n}\n', "pod.yaml");
    expect(documents.map((d) => d.value)).toEqual([{ kind: "Pod", metadata: { name: "x" } }]);
    expect(documents[0]?.locator.lineOf(["metadata", "name"])).toBe(3);
  });

  it("reads YAML flow style that is not JSON in a .yaml file", () => {
    expect(parse("{kind: Pod, metadata: {name: x}}\n").documents.map((d) => d.value)).toEqual([
      { kind: "Pod", metadata: { name: "x" } },
    ]);
  });

  it("reports a JSON syntax error in a .json file with its line", () => {
    const { problems } = parse('{\n  "kind": "Pod",\n  "metadata": }\n', "pod.json");
    expect(problems.map((p) => [p.code, p.line])).toEqual([["json-syntax", 3]]);
  });

  it("handles CRLF line ends and a byte order mark", () => {
    const { documents } = parse("\ufeffa: 1\r\nb:\r\n  - x\r\n---\r\nc: |\r\n  text\r\n");
    expect(documents.map((d) => d.value)).toEqual([{ a: 1, b: ["x"] }, { c: "text\n" }]);
    expect(documents[0]?.locator.lineOf(["b", 0])).toBe(3);
  });

  it("reads a document that starts on its --- line", () => {
    const { documents } = parse("a: 1\n--- {b: 2}\n--- |\n  text\n");
    expect(documents.map((d) => [d.value, d.line])).toEqual([
      [{ a: 1 }, 1],
      [{ b: 2 }, 2],
      ["text\n", 3],
    ]);
  });

  it("finds lines deep inside a List's items by parsing only the item again", () => {
    const text =
      "kind: List\nitems:\n  - kind: Pod\n    spec:\n      containers:\n        - name: a\n  -\n    kind: Pod\n    spec: {x: 1}\nnext: 1\n";
    const [doc] = parse(text).documents;
    if (doc === undefined) throw new Error("no document");
    const items = (doc.value as { items: unknown[] }).items;
    expect(ITEM_REPARSERS.has(items)).toBe(true);
    const at = doc?.locator;
    expect(at?.lineOf(["items", 0, "spec", "containers", 0, "name"])).toBe(6);
    expect(at?.lineOf(["items", 1])).toBe(8);
    expect(at?.lineOf(["items", 1, "spec", "x"])).toBe(9);
    expect(at?.child(["items", 1]).lineOf(["spec", "missing"])).toBe(9);
    expect(at?.lineOf(["next"])).toBe(10);
    const nested = parse("a:\n- - x: 1\n    w: 2\n  - z\n").documents[0];
    expect(nested?.locator.lineOf(["a", 0, 0, "w"])).toBe(3);
    expect(nested?.locator.lineOf(["a", 0, 1])).toBe(4);
  });

  it("reads a List item by item when one item needs the yaml library", () => {
    const text = [
      "apiVersion: v1",
      "items:",
      "- kind: ConfigMap",
      "  data:",
      "    a: &x one",
      "    b: *x",
      "- kind: Pod",
      "  metadata:",
      "    name: p",
      "# between items",
      "- kind: Pod",
      "  metadata: {name: q}",
      "kind: List",
      "metadata:",
      '  resourceVersion: ""',
      "",
    ].join("\n");
    const { documents, problems } = parse(text);
    expect(problems).toEqual([]);
    expect(documents.map((d) => d.value)).toEqual([
      {
        apiVersion: "v1",
        items: [
          { kind: "ConfigMap", data: { a: "one", b: "one" } },
          { kind: "Pod", metadata: { name: "p" } },
          { kind: "Pod", metadata: { name: "q" } },
        ],
        kind: "List",
        metadata: { resourceVersion: "" },
      },
    ]);
    const at = documents[0]?.locator;
    expect([0, 1, 2].map((i) => at?.lineOf(["items", i]))).toEqual([3, 7, 11]);
    expect(at?.lineOf(["items", 0, "data", "b"])).toBe(6);
    expect(at?.lineOf(["items", 1, "metadata", "name"])).toBe(9);
    expect(at?.child(["items", 2]).lineOf(["metadata", "name"])).toBe(12);
    expect(at?.lineOf(["kind"])).toBe(13);
    expect(at?.lineOf(["metadata", "resourceVersion"])).toBe(15);
  });

  it("reports a syntax error in one List item at its line", () => {
    const text = "items:\n  - a: 1\n  - b: [1\n  - c: 3\nkind: List\n";
    const { documents, problems } = parse(text);
    expect(problems.map((p) => [p.code, p.line])).toEqual([["yaml-syntax", 3]]);
    expect(documents.map((d) => d.value)).toEqual([{ items: [{ a: 1 }, { c: 3 }], kind: "List" }]);
  });

  it("honours directives through the yaml library", () => {
    const { documents } = parse("%YAML 1.1\n---\na: yes\n");
    expect(documents.map((d) => d.value)).toEqual([{ a: true }]);
  });

  it("reads YAML 1.1 scalars as kubectl does: yes/no/on/off are booleans, timestamps stay strings", () => {
    const { documents } = parse("a: yes\nb: off\nc: 2024-01-01T00:00:00Z\nd: 0755\n");
    expect(documents[0]?.value).toEqual({ a: true, b: false, c: "2024-01-01T00:00:00Z", d: 493 });
  });
});
