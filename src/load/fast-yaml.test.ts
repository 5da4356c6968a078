import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineCounter, parseDocument, type ScalarTag, Schema } from "yaml";
import { FastYamlBail, fastParseDocument, resolvePlain, YAML_OPTIONS } from "./fast-yaml.js";
import { DocumentPositions, NodeLocator, type PathSegment, TableLocator } from "./positions.js";

type Outcome = { kind: "bail" } | { kind: "value"; value: unknown; lines: Map<string, number> };

/** Every path in a value (containers and leaves). */
function paths(value: unknown, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      paths(v, [...prefix, i], out);
    });
  } else if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function fast(text: string): Outcome {
  const lines = text.split("\n");
  try {
    const doc = fastParseDocument(lines, 0, lines.length, true);
    if (doc === null) return { kind: "value", value: null, lines: new Map() };
    const locator = new TableLocator(new DocumentPositions(doc.value, doc.line, undefined));
    const lineMap = new Map(paths(doc.value).map((p) => [JSON.stringify(p), locator.lineOf(p)]));
    return { kind: "value", value: doc.value, lines: lineMap };
  } catch (error) {
    if (error instanceof FastYamlBail) return { kind: "bail" };
    throw error;
  }
}

/** The yaml library's reading, or "error" when the library reports one. */
function library(text: string): Outcome | "error" {
  const counter = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: counter });
  if (doc.errors.length > 0) return "error";
  let value: unknown;
  try {
    value = doc.toJS();
  } catch {
    return "error"; // e.g. an alias to an undefined anchor
  }
  if (doc.contents === null) return { kind: "value", value: null, lines: new Map() };
  const line = counter.linePos(doc.contents.range[0]).line;
  const locator = new NodeLocator(doc, doc.contents, counter, 0, line);
  const lineMap = new Map(paths(value).map((p) => [JSON.stringify(p), locator.lineOf(p)]));
  return { kind: "value", value, lines: lineMap };
}

/** The fast parser either gives up or agrees with the library on the value and on every line. */
function agrees(text: string): "bail" | "same" {
  const f = fast(text);
  const l = library(text);
  if (f.kind === "bail") return "bail";
  expect(l, `the library rejects what the fast parser accepted:\n${text}`).not.toBe("error");
  if (l === "error" || l.kind === "bail") throw new Error("unreachable");
  expect(f.value, text).toEqual(l.value);
  expect(Object.fromEntries(f.lines), text).toEqual(Object.fromEntries(l.lines));
  return "same";
}

const ACCEPTED: Record<string, string> = {
  "nested mappings": "a: 1\nb:\n  c: two\n  d:\n    e: true\n",
  "kubectl sequences at the key's column": "items:\n- a: 1\n  b: 2\n- c\nnext: x\n",
  "indented sequences": "spec:\n  ingress:\n    - from:\n        - podSelector: {}\n      ports:\n        - port: 80\n",
  "compact nested sequence": "a:\n- - x\n  - y\n- - z\n",
  "dash alone then a mapping": "a:\n-\n  b: 1\n  c: 2\n-\n- d\n",
  "extra spaces after a dash": "a:\n-   b: 1\n    c: 2\n",
  "sequence under a compact mapping": "- key:\n  - a\n  - b\n  other: 1\n",
  "empty values": "a:\nb: ~\nc: null\nd: Null\ne:\n  - \n  -\n",
  numbers: "a: 1\nb: -2\nc: 0755\nd: 0x1F\ne: 1.5\nf: 1e3\ng: .inf\nh: -.Inf\ni: .nan\nj: 0b101\nk: 1_000\nl: +12\n",
  "yaml 1.1 booleans": "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: N\ng: true\nh: False\n",
  "timestamps and sexagesimal stay strings": "a: 2024-01-01T00:00:00Z\nb: 2024-01-01\nc: 1:20\nd: 10:30:00\n",
  "exponent-like strings": "a: e1\nb: E5\nc: .\nd: 1.\ne: .5\nf: 1e5\ng: -1.5e-3\nh: +.\n",
  "strings with indicators inside":
    "a: a:b\nb: http://x.y/z?q=1#f\nc: a#b\nd: foo[1]\ne: -x\nf: x - y\ng: 'it''s'\nh: \"q\\\"uote\"\n",
  comments:
    '# head\na: 1 # trailing\n  # odd indentation\nb:   # after key\n  c: 2\n# between\nd: [1, 2] # after flow\ne: "s" # after quoted\n',
  "double-quoted escapes": 'a: "tab\\tnl\\nuni\\u00e9\\x41\\U0001F600 slash\\/ back\\\\"\n',
  "quoted keys": '"a b": 1\n\'c: d\': 2\n"e\\"f": 3\n',
  "keys with dots and slashes": "app.kubernetes.io/name: web\nkubernetes.io/metadata.name: ns\n",
  "flow collections":
    'a: {}\nb: []\nc: {x: 1, w: [a, b], z: {q: "w"}}\nd: [ a b , \'c\' , "d" ]\ne: {"k": 1, "j":2}\nf: {u: http://x}\n',
  "flow mapping with empty values": "a: {x: , z: 1}\n",
  "literal block scalar": "a: |\n  line 1\n\n  line 3\n    indented\nb: 1\n",
  "literal strip and keep": "a: |-\n  x\n  y\nb: |+\n  z\nc: 1\n",
  "folded block scalar": "a: >\n  one\n  two\n\n  three\nb: >-\n  x\n  y\nc: 1\n",
  "block scalar then comment": 'a: |\n  {"json": true}\n# comment\nb: 2\n',
  "trailing blank lines in clip scalar": "a: |\n  x\n\n\nb: 1\n",
  "block scalar in a sequence item mapping": "- a: |\n    x\n  b: 1\n",
  "block scalars with an indentation indicator":
    "a: |2\n    leading spaces\n  then less\nb:\n  c: |-4\n       x\n      y\nd: >2-\n  p\n  q\n",
  "indentation indicator in a sequence item mapping": "- a: |2\n     x\n    y\n  b: 1\n",
  "indented document": "  a: 1\n  b: 2\n",
  "top-level sequence": "- 1\n- a: b\n",
  "scalar on the next line": "a:\n  value\nb: 1\n",
  "many spaces": "a:     1\nb   : 2\n",
  "empty document": "# only a comment\n\n",
  "multi-line plain scalars (go-yaml wraps at 80 columns)":
    "a: one two\n  three\n\n  four\nb:\n- x y\n  z\n- k: v\n    w\nc: 1\n  # comment\nd:\n  p\n  q\n",
  "multi-line single-quoted scalars":
    "message: 'containers with unready status: [nginx] and it''s\n  long''\n\n    still '\nb: 1\n",
  "multi-line double-quoted scalars with escaped line breaks":
    'message: "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are\\\n  \\ available: 3 No preemption\n\n   victims \\t\n  found\\x41  \n  end"\nz: 1\n',
  "kubectl managedFields keys": `managedFields:
- apiVersion: v1
  fieldsType: FieldsV1
  fieldsV1:
    f:metadata:
      f:labels:
        .: {}
        f:app: {}
    f:spec:
      f:containers:
        k:{"name":"web"}:
          f:ports:
            k:{"containerPort":8080,"protocol":"TCP"}:
              .: {}
  manager: kubectl-client-side-apply
  time: "2024-05-01T10:00:00Z"
`,
  "a multi-line quoted scalar in a sequence": "- 'a\n  b'\n- \"c\n  d\"\n",
};

const BAILS: Record<string, string> = {
  anchors: "a: &x 1\nb: *x\n",
  tags: "a: !!str 1\n",
  "merge keys": "base: &b {x: 1}\nc:\n  <<: *b\n",
  "complex keys": "? a\n: b\n",
  "a key in a plain continuation line": "a: one\n  b: two\n",
  "a quoted continuation line not indented": 'a:\n  b: "one\n  two"\n',
  "an unterminated quoted scalar": 'a: "one\n  two\n',
  "multi-line flow": "a: [1,\n  2]\n",
  tabs: "a:\tb\n",
  "tab indentation": "a:\n\tb: 1\n",
  "duplicate keys": "a: 1\na: 2\n",
  "a nested mapping on one line": "a: b: c\n",
  "bad indentation": "a:\n    b: 1\n  c: 2\n",
  "numeric keys": "80: http\n",
  "boolean keys (YAML 1.1: on, y)": "on: push\ny: 1\n",
  "null key": "~: x\n",
  "flow trailing comma": "a: [1, 2, ]\n",
  "implicit pair in flow sequence": "a: [b: c]\n",
  "key without value in flow mapping": "a: {b}\n",
  "block scalar less indented than its indicator": "a: |4\n  x\n",
  "empty block scalar": "a: |\nb: 1\n",
  "block scalar without final newline": "a: |\n  x",
  "more-indented folded line": "a: >\n  x\n    y\n",
  "top-level scalar": "hello\n",
  "sequence entry where a key is expected": "a: 1\n- b\n",
  __proto__: "__proto__: x\n",
  "key only": "a\n",
  "scalar on the next line after a comment": "a:\n  #note\n  value\nb: 1\n",
  "unterminated quote": "a: 'x\n",
};

describe("fast YAML parser", () => {
  for (const [name, text] of Object.entries(ACCEPTED)) {
    it(`reads ${name} exactly as the yaml library does`, () => {
      expect(agrees(text)).toBe("same");
    });
  }
  for (const [name, text] of Object.entries(BAILS)) {
    it(`leaves ${name} to the yaml library`, () => {
      expect(agrees(text)).toBe("bail");
    });
  }

  it("records lines of mapping entries and sequence items", () => {
    const text = "a: 1\nitems:\n- x: 1\n\n  w: 2\n-\n  z: 3\n";
    const lines = text.split("\n");
    const doc = fastParseDocument(lines, 0, lines.length, true);
    const locator = new TableLocator(new DocumentPositions(doc?.value, doc?.line ?? 0, undefined));
    expect(locator.lineOf(["items", 0])).toBe(3);
    expect(locator.lineOf(["items", 0, "w"])).toBe(5);
    expect(locator.lineOf(["items", 1])).toBe(7);
    expect(locator.lineOf(["items", 1, "missing", "deeper"])).toBe(7);
  });

  it("resolves plain scalars like the library's YAML 1.1 schema without timestamps", () => {
    // Letters that take the quick string path must never start a value another tag recognises.
    const schema = new Schema({ schema: "yaml-1.1", customTags: YAML_OPTIONS.customTags });
    const tests = (schema.tags as ScalarTag[]).filter((t) => t.default === true && t.test !== undefined);
    const quick = [..."abcdghijklmpqrsuvwxzABCDGHIJKLMPQRSUVWXZ"];
    const suffixes = ["", "es", "ES", "o", "O", "n", "N", "ff", "FF", "ull", "ULL", "rue", "alse", "1", "x1", "_"];
    for (const c of quick) for (const s of suffixes) for (const t of tests) expect(t.test?.test(c + s)).toBe(false);
    expect(resolvePlain("yes")).toBe(true);
    expect(resolvePlain("0755")).toBe(493);
    expect(resolvePlain("2024-01-01")).toBe("2024-01-01");
    expect(resolvePlain("1:20")).toBe("1:20");
    // go-yaml needs digits around an exponent; the library's own YAML 1.1 tests would give NaN.
    expect(resolvePlain("e1")).toBe("e1");
    expect(resolvePlain(".")).toBe(".");
    expect(resolvePlain("1.5e3")).toBe(1500);
    expect(resolvePlain(".5")).toBe(0.5);
  });

  it("agrees with the yaml library on random documents (property)", () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9./-]{0,8}$/);
    const key = fc.oneof(
      { arbitrary: word, weight: 6 },
      fc.constantFrom("app", "x.y/z", "a b", "k:v", "-k", "yes", "80", "null", "#c", 'q"', "it's", "é"),
      fc.string({ maxLength: 6 }),
    );
    const scalar = fc.oneof(
      { arbitrary: word, weight: 4 },
      fc.constantFrom("", "~", "null", "yes", "No", "on", "0755", "0x1f", "1e3", ".inf", "1:20", "2024-01-01", "a: b"),
      fc.constantFrom("a #b", "a#b", "- x", "-x", "[a]", "{a}", "'q'", '"q"', "a,b", "http://x", " sp ", "|", ">"),
      fc.constantFrom("e1", ".", "line one\nline two", "tab\there", "\u00e9", "a\\b", '"', "'"),
      fc
        .array(fc.oneof(word, fc.constantFrom("it's", "a:b", "[x]", "#", "-", 'q"', "")), {
          minLength: 2,
          maxLength: 6,
        })
        .map((ws) => ws.join(" ")),
      fc.string({ maxLength: 8 }),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, scalar, tie("map"), tie("seq")),
      map: fc.dictionary(key, tie("value"), { maxKeys: 4 }),
      seq: fc.array(tie("value"), { maxLength: 4 }),
    }));
    const root = fc.oneof(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), fc.array(value, { minLength: 1 }));
    let same = 0;
    fc.assert(
      fc.property(root, fc.integer(), (v, seed) => {
        const text = emit(v, seed);
        if (agrees(text) === "same") same++;
      }),
      { numRuns: Number(process.env.FAST_YAML_RUNS ?? 500) }, // FAST_YAML_RUNS=20000 for a longer search
    );
    // The generator must often produce documents the fast parser reads, or the property proves little.
    expect(same).toBeGreaterThan(150);
  });
});

/** A deliberately sloppy YAML emitter with random styles: both parsers must read its output alike. */
function emit(value: unknown, seed: number): string {
  let s = seed | 0 || 1;
  const rand = (n: number): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return Math.abs(s) % n;
  };
  const scalar = (v: unknown): string => {
    if (typeof v !== "string") return String(v);
    switch (rand(4)) {
      case 0:
        return JSON.stringify(v);
      case 1:
        return `'${v.replaceAll("'", "''")}'`;
      default:
        return v; // plain, whatever it means
    }
  };
  const flow = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(flow).join(rand(2) ? ", " : ",")}]`;
    if (typeof v === "object" && v !== null)
      return `{${Object.entries(v)
        .map(([k, x]) => `${scalar(k)}: ${flow(x)}`)
        .join(", ")}}`;
    return scalar(v);
  };
  const out: string[] = [];
  const comment = (): string => (rand(8) === 0 ? " # note" : "");
  const block = (v: unknown, indent: number): void => {
    const pad = " ".repeat(indent);
    if (Array.isArray(v)) {
      for (const item of v) {
        const isCollection = typeof item === "object" && item !== null && Object.keys(item).length > 0;
        if (isCollection && rand(3) > 0) {
          const start = out.length;
          block(item, indent + 2);
          out[start] = `${pad}-${" ".repeat(1)}${(out[start] as string).slice(indent + 2)}`;
        } else out.push(`${pad}- ${isCollection ? flow(item) : flow(item)}${comment()}`);
      }
      return;
    }
    if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        const isCollection = typeof x === "object" && x !== null && Object.keys(x).length > 0;
        if (isCollection && rand(4) > 0) {
          out.push(`${pad}${scalar(k)}:${comment()}`);
          if (rand(6) === 0) out.push("");
          block(x, Array.isArray(x) && rand(2) ? indent : indent + 2);
        } else if (typeof x === "string" && x !== "" && rand(6) === 0) {
          out.push(`${pad}${scalar(k)}: |`);
          for (const line of x.split("\n")) out.push(`${pad}  ${line}`);
        } else if (typeof x === "string" && x.includes(" ") && rand(3) === 0) {
          // Wrapped over lines, as go-yaml prints long strings: plain, single- or double-quoted.
          const words = x.split(" ");
          const style = rand(3);
          const open = style === 0 ? "" : style === 1 ? "'" : '"';
          const body = words.map((w) =>
            style === 1 ? w.replaceAll("'", "''") : style === 2 ? JSON.stringify(w).slice(1, -1) : w,
          );
          out.push(`${pad}${scalar(k)}: ${open}${body[0]}`);
          for (const w of body.slice(1)) {
            const extra = " ".repeat(1 + rand(3));
            if (rand(5) === 0) out.push("");
            if (style === 2 && rand(3) === 0) {
              (out as string[])[out.length - 1] += "\\";
              out.push(`${pad}${extra}\\ ${w}`);
            } else out.push(`${pad}${extra}${w}`);
          }
          (out as string[])[out.length - 1] += open;
        } else out.push(`${pad}${scalar(k)}: ${flow(x)}${comment()}`);
      }
      return;
    }
    out.push(`${pad}${scalar(v)}`);
  };
  block(value, 0);
  return `${out.join("\n")}\n`;
}
