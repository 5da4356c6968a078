import { describe, expect, it } from "vitest";
import { JsonSyntaxError, parseJsonDocuments, reparseJsonDocument } from "./json-documents.js";
import { DocumentPositions, TableLocator } from "./positions.js";

const TEXT = `{
  "kind": "List",
  "items": [
    {"kind": "Pod", "metadata": {"name": "a\\u00e9\\n", "labels": {}}},
    {
      "kind": "Pod",
      "spec": {"containers": [1, 2.5e3, -0.5, true, false, null]}
    }
  ]
}
`;

function locator(text: string) {
  const [doc] = parseJsonDocuments(text);
  if (doc === undefined) throw new Error("no document");
  return new TableLocator(
    new DocumentPositions(doc.value, doc.line, () => reparseJsonDocument(text, doc.offset, doc.line)),
  );
}

describe("JSON documents", () => {
  it("gives the values JSON.parse gives", () => {
    expect(parseJsonDocuments(TEXT).map((d) => d.value)).toEqual([JSON.parse(TEXT)]);
  });

  it("records lines of entries and items, parsing again for deep ones", () => {
    const at = locator(TEXT);
    expect(at.lineOf([])).toBe(1);
    expect(at.lineOf(["items"])).toBe(3);
    expect(at.lineOf(["items", 0])).toBe(4);
    expect(at.lineOf(["items", 1])).toBe(5);
    expect(at.lineOf(["items", 1, "spec"])).toBe(7);
    expect(at.lineOf(["items", 1, "spec", "containers", 5])).toBe(7);
    expect(at.lineOf(["items", 1, "status", "podIP"])).toBe(5);
  });

  it("reads a stream of concatenated JSON documents", () => {
    const docs = parseJsonDocuments('{"a": 1}\n\n{"b": 2}[3]');
    expect(docs.map((d) => [d.value, d.line])).toEqual([
      [{ a: 1 }, 1],
      [{ b: 2 }, 3],
      [[3], 3],
    ]);
  });

  it("keeps the last of duplicate keys, as JSON.parse does", () => {
    const text = '{\n"a": 1,\n"a": 2\n}';
    expect(parseJsonDocuments(text)[0]?.value).toEqual({ a: 2 });
    expect(locator(text).lineOf(["a"])).toBe(3);
  });

  it.each([
    ['{\n  "a": 1,,\n}', 2],
    ['{\n  "a": tru\n}', 2],
    ['{\n  "a": "x\n"}', 2],
    ['{\n  "a": [1, 2\n', 3],
    ['{\n  "a" 1}', 2],
  ])("reports the line of a syntax error in %j", (text, line) => {
    expect(() => parseJsonDocuments(text)).toThrow(JsonSyntaxError);
    try {
      parseJsonDocuments(text);
    } catch (error) {
      expect((error as JsonSyntaxError).line).toBe(line);
    }
  });
});
