import { isScalar, type ScalarTag, Schema, type Tags } from "yaml";
import { ITEM_REPARSERS, POSITIONS, RECORDED_DEPTH } from "./positions.js";

/**
 * A fast parser for the block-style YAML that Kubernetes manifests and `kubectl get -o yaml` use, about ten times
 * faster than the `yaml` library. It understands a strict subset (block mappings and sequences, plain and quoted
 * single-line scalars, single-line flow collections, literal and simple folded block scalars, comments) and gives up
 * with `FastYamlBail` on anything else (anchors, tags, multi-line flow or quoted scalars, tabs, complex keys, …):
 * the caller then parses that document with the `yaml` library. For every document it accepts it must produce
 * exactly what the library produces; fast-yaml.test.ts checks that on a corpus of tricky inputs.
 *
 * Positions go to POSITIONS (see positions.ts): near the root only, or everywhere with `allPositions`.
 */

/** Thrown when the input is outside the supported subset: not an error, a request to use the full parser. */
export class FastYamlBail extends Error {
  override name = "FastYamlBail";
}
const BAIL = new FastYamlBail("outside the fast YAML subset");
function bail(): never {
  throw BAIL;
}

// YAML 1.1 as go-yaml (kubectl, sigs.k8s.io/yaml) resolves plain scalars: yes/no/on/off are booleans, 0755 is
// octal. go-yaml leaves timestamps and sexagesimal numbers as strings when decoding into JSON, so those tags go.
// The library's 1.1 float tests also match "e1", "E5" and "." (giving NaN): go-yaml needs a digit before the
// exponent and in the number, and so do the tests here.
const TIME_FORMAT = "TIME";
const TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp";
const FLOAT_TAG = "tag:yaml.org,2002:float";
const FLOAT_EXP = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/;
function kubernetesTags(tags: Tags): Tags {
  return tags
    .filter((t) => {
      const tag = t as { format?: string; tag?: string };
      return tag.format !== TIME_FORMAT && tag.tag !== TIMESTAMP_TAG;
    })
    .map((t) => {
      if (typeof t !== "object" || t.tag !== FLOAT_TAG || !("test" in t) || t.test === undefined) return t;
      if (t.format === "EXP") return { ...t, test: FLOAT_EXP };
      if (t.test.source === "^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*$") return { ...t, test: FLOAT };
      return t;
    });
}
/** Options for the `yaml` library, shared by the fast path and the fallback so that both resolve scalars alike. */
export const YAML_OPTIONS = {
  version: "1.1",
  customTags: kubernetesTags,
} as const;

const SCHEMA = new Schema({ schema: "yaml-1.1", resolveKnownTags: false, customTags: kubernetesTags });
const DEFAULT_TAGS: ScalarTag[] = (SCHEMA.tags as ScalarTag[]).filter(
  (t) => t.default === true && t.test !== undefined && !("collection" in t && t.collection),
);
const RESOLVE_OPTIONS = { intAsBigInt: false } as never;

// First characters after which no default tag can match (checked against the tag tests in fast-yaml.test.ts):
// letters except those starting y/yes/n/no/true/false/on/off/null, and e/E (exponents).
const PLAIN_STRING_START = new Uint8Array(128);
for (let c = 65; c <= 90; c++) PLAIN_STRING_START[c] = 1;
for (let c = 97; c <= 122; c++) PLAIN_STRING_START[c] = 1;
for (const ch of "yYnNtTfFoOeE") PLAIN_STRING_START[ch.charCodeAt(0)] = 0;

function onResolveError(): void {
  bail();
}

/** Resolves a plain scalar exactly as the `yaml` library does with YAML_OPTIONS. */
export function resolvePlain(text: string): unknown {
  const c = text.charCodeAt(0);
  if (c < 128 && PLAIN_STRING_START[c] === 1) return text;
  for (const tag of DEFAULT_TAGS) {
    if (tag.test?.test(text)) {
      const res = tag.resolve(text, onResolveError, RESOLVE_OPTIONS);
      return isScalar(res) ? res.value : res;
    }
  }
  return text;
}

// c-indicator characters: - ? : , [ ] { } # & * ! | > ' " % @ `
const INDICATOR = new Uint8Array(128);
for (const ch of "-?:,[]{}#&*!|>'\"%@`") INDICATOR[ch.charCodeAt(0)] = 1;
const FLOW_INDICATOR = new Uint8Array(128);
for (const ch of ",[]{}") FLOW_INDICATOR[ch.charCodeAt(0)] = 1;

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;

const MAX_KEY_LENGTH = 1000;

function isSeqEntryAt(text: string, col: number): boolean {
  return text.charCodeAt(col) === DASH && (col + 1 >= text.length || text.charCodeAt(col + 1) === SPACE);
}

function checkKey(key: string): string {
  if (key === "__proto__" || key.length > MAX_KEY_LENGTH) bail();
  return key;
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_ESCAPE_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

export type FastDocument = { readonly value: unknown; readonly line: number };

/**
 * Parses lines [start, end) of `lines` (one document, without its `---` marker) into a value.
 * Returns null for an empty document; throws FastYamlBail outside the supported subset. `allPositions`: true records
 * every position, a number records positions down to that depth (the root is at depth 1).
 * `lines` must have no line terminators; line numbers reported are index + 1.
 */
export function fastParseDocument(
  lines: readonly string[],
  start: number,
  end: number,
  allPositions: boolean | number = false,
): FastDocument | null {
  // Tabs are allowed in YAML in some places only (never in indentation): left to the library.
  for (let k = start; k < end; k++) if ((lines[k] as string).includes("\t")) bail();
  const depth =
    allPositions === false ? RECORDED_DEPTH : allPositions === true ? Number.POSITIVE_INFINITY : allPositions;
  return new FastYamlParser(lines, start, end, depth, allPositions === false).document();
}

/**
 * Decodes the escape sequence at text[at] (a backslash, then a character): a simple escape or \xNN / \uNNNN /
 * \UNNNNNNNN. Bails on anything YAML does not allow (an unknown escape, bad hex, a surrogate).
 */
function decodeEscape(text: string, at: number): { value: string; end: number } {
  const e = text[at + 1] as string;
  const simple = ESCAPES[e];
  if (simple !== undefined) return { value: simple, end: at + 2 };
  const length = HEX_ESCAPE_LENGTH[e];
  if (length === undefined) bail();
  const hex = text.slice(at + 2, at + 2 + length);
  if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) bail();
  const code = Number.parseInt(hex, 16);
  if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) bail();
  return { value: String.fromCodePoint(code), end: at + 2 + length };
}

class FastYamlParser {
  private i: number;
  /** A seq entry "- key: v" is re-read as a node starting at column `overrideCol` of line `overrideLine`. */
  private overrideLine = -1;
  private overrideCol = 0;
  /** End column and line index of the last scalar or flow collection read. */
  private endCol = 0;
  private endLine = 0;
  /** Depth of the container being read (the root is 1); positions are kept up to `recordDepth`. */
  private depth = 0;

  constructor(
    private readonly lines: readonly string[],
    private readonly start: number,
    private readonly end: number,
    private readonly recordDepth: number,
    /** The first reading of a document: items of the recorded sequences can be parsed again one by one. */
    private readonly firstReading: boolean,
  ) {
    this.i = start;
  }

  /** Enters a container: a table for its positions if they are kept at this depth. */
  private positions<T>(): T[] | undefined {
    this.depth++;
    return this.depth <= this.recordDepth ? [] : undefined;
  }

  /** Leaves a container. */
  private record(container: object, positions: (string | number)[] | undefined): void {
    if (positions !== undefined) POSITIONS.set(container, positions);
    this.depth--;
  }

  document(): FastDocument | null {
    const indent = this.next();
    if (indent < 0) return null;
    const line = this.i + 1;
    const value = this.block(indent, -1);
    if (this.next() >= 0) bail();
    return { value, line };
  }

  /** Indentation of line `li`, or -1 for a blank or comment-only line. */
  private indentOf(li: number): number {
    if (li === this.overrideLine) return this.overrideCol;
    const text = this.lines[li] as string;
    let n = 0;
    while (text.charCodeAt(n) === SPACE) n++;
    if (n === text.length || text.charCodeAt(n) === HASH) return -1;
    return n;
  }

  /** Moves to the next line with content; returns its indentation, or -1 at the end of the document. */
  private next(): number {
    while (this.i < this.end) {
      const indent = this.indentOf(this.i);
      if (indent >= 0) return indent;
      this.i++;
    }
    return -1;
  }

  private consume(): void {
    this.i++;
    this.overrideLine = -1;
  }

  /** The node whose first line is the current one, starting at column `indent`; `parent` is the enclosing indent. */
  private block(indent: number, parent: number): unknown {
    const text = this.lines[this.i] as string;
    if (isSeqEntryAt(text, indent)) return this.sequence(indent);
    if (this.keyEnd(text, indent) >= 0) return this.mapping(indent);
    // A scalar on its own line: only as a value, and only if it is a single line. After a comment line the library
    // sometimes reads such a scalar as the start of a multi-line key: leave that to it.
    if (parent < 0) bail();
    for (let k = this.i - 1; k >= this.start && this.indentOf(k) < 0; k--) {
      if ((this.lines[k] as string).trim() !== "") bail();
    }
    const c = text.charCodeAt(indent);
    if (c === 124 || c === 62) bail(); // | or > in a sequence entry
    const value = this.inline(this.i, indent, parent);
    if (this.next() > parent) bail();
    return value;
  }

  private mapping(indent: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const positions = this.positions<string | number>();
    for (;;) {
      const at = this.next();
      if (at !== indent) {
        if (at > indent) bail();
        break;
      }
      const text = this.lines[this.i] as string;
      const colon = this.keyEnd(text, indent);
      if (colon < 0) bail();
      const key = this.key(text, indent, colon);
      // A duplicate key is an error for the yaml library. (Values are never undefined; a key named like an
      // Object.prototype member also bails, harmlessly.)
      if (obj[key] !== undefined) bail();
      const line = this.i + 1;
      this.consume();
      obj[key] = this.valueAfterKey(text, colon + 1, indent, line);
      positions?.push(key, line);
    }
    this.record(obj, positions);
    return obj;
  }

  private sequence(indent: number): unknown[] {
    const arr: unknown[] = [];
    const positions = this.positions<number>();
    // Where each item starts, to parse one item again on its own (not for "- - x", whose inner items share lines).
    const reparsable = positions !== undefined && this.firstReading;
    const starts = reparsable && this.overrideLine !== this.i ? ([] as number[]) : undefined;
    for (;;) {
      const at = this.next();
      if (at !== indent) {
        if (at > indent) bail();
        break;
      }
      const text = this.lines[this.i] as string;
      if (!isSeqEntryAt(text, indent)) break; // a key of the enclosing mapping
      starts?.push(this.i);
      let col = indent + 1;
      while (text.charCodeAt(col) === SPACE) col++;
      if (col >= text.length || text.charCodeAt(col) === HASH) {
        const entryLine = this.i + 1;
        this.consume();
        const childIndent = this.next();
        if (childIndent > indent) {
          positions?.push(this.i + 1);
          arr.push(this.block(childIndent, indent));
        } else {
          positions?.push(entryLine);
          arr.push(null);
        }
        continue;
      }
      positions?.push(this.i + 1);
      this.overrideLine = this.i;
      this.overrideCol = col;
      arr.push(this.block(col, indent));
    }
    if (starts !== undefined && starts.length > 0) {
      const lines = this.lines;
      const end = this.i;
      ITEM_REPARSERS.set(arr, (index, depth) => {
        const from = starts[index];
        if (from === undefined) return undefined;
        try {
          // The item alone is a one-item sequence: the item is at depth 2.
          const doc = fastParseDocument(lines, from, starts[index + 1] ?? end, depth + 1);
          return Array.isArray(doc?.value) ? doc.value[0] : undefined;
        } catch {
          return undefined; // cannot happen (the same lines parsed before); the item's own line is still known
        }
      });
    }
    this.record(arr, positions);
    return arr;
  }

  /** Index of the ":" ending an implicit key that starts at `col`, or -1 if the line is not a mapping entry. */
  private keyEnd(text: string, col: number): number {
    const c = text.charCodeAt(col);
    if (c === DQUOTE || c === SQUOTE) {
      let k = c === DQUOTE ? this.scanDoubleQuoted(text, col) : this.scanSingleQuoted(text, col);
      if (k < 0) return -1;
      while (text.charCodeAt(k) === SPACE) k++;
      if (text.charCodeAt(k) === COLON && (k + 1 >= text.length || text.charCodeAt(k + 1) === SPACE)) return k;
      return -1;
    }
    if (c < 128 && INDICATOR[c] === 1) return -1;
    let k = text.indexOf(":", col);
    while (k >= 0) {
      if (k + 1 >= text.length || text.charCodeAt(k + 1) === SPACE) {
        const comment = text.lastIndexOf(" #", k - 2);
        return comment >= col ? -1 : k;
      }
      k = text.indexOf(":", k + 1);
    }
    return -1;
  }

  private key(text: string, col: number, colon: number): string {
    const c = text.charCodeAt(col);
    if (c === DQUOTE) return checkKey(this.doubleQuoted(text, col));
    if (c === SQUOTE) return checkKey(this.singleQuoted(text, col));
    let end = colon;
    while (end > col && text.charCodeAt(end - 1) === SPACE) end--;
    const key = text.slice(col, end);
    // Keys that resolve to something other than a string (80, true, null, <<) are left to the library.
    if (key === "<<" || resolvePlain(key) !== key) bail();
    return checkKey(key);
  }

  private valueAfterKey(text: string, col: number, indent: number, line: number): unknown {
    let j = col;
    while (text.charCodeAt(j) === SPACE) j++;
    if (j >= text.length || text.charCodeAt(j) === HASH) {
      const at = this.next();
      if (at > indent) return this.block(at, indent);
      if (at === indent && isSeqEntryAt(this.lines[this.i] as string, indent)) return this.sequence(indent);
      return null;
    }
    const c = text.charCodeAt(j);
    if (c === 124 || c === 62) return this.blockScalar(text, j, indent);
    const value = this.inline(line - 1, j, indent);
    if (this.next() > indent) bail(); // more-indented content after a value: an error
    return value;
  }

  /**
   * A value starting at column `col` of line `li`: a flow collection (on that line), or a scalar, which may continue
   * on more-indented lines (go-yaml wraps long strings at 80 columns). Leaves `this.i` after the value's last line.
   * `parent` is the indentation of the enclosing collection.
   */
  private inline(li: number, col: number, parent: number): unknown {
    const text = this.lines[li] as string;
    const c = text.charCodeAt(col);
    let value: unknown;
    let last = li;
    if (c === DQUOTE || c === SQUOTE) {
      const close = c === DQUOTE ? this.scanDoubleQuoted(text, col) : this.scanSingleQuoted(text, col);
      if (close >= 0) value = c === DQUOTE ? this.doubleQuoted(text, col) : this.singleQuoted(text, col);
      else {
        value =
          c === DQUOTE ? this.multiLineDoubleQuoted(li, col, parent) : this.multiLineSingleQuoted(li, col, parent);
        last = this.endLine;
      }
    } else if (c === 91 || c === 123) {
      value = this.flowNode(text, col, li + 1);
    } else {
      value = this.plain(li, col, parent);
      this.i = this.endLine + 1;
      this.overrideLine = -1;
      return value;
    }
    const end = this.endCol;
    const closing = this.lines[last] as string;
    let k = end;
    while (closing.charCodeAt(k) === SPACE) k++;
    if (k < closing.length && !(closing.charCodeAt(k) === HASH && k > end)) bail();
    this.i = last + 1;
    this.overrideLine = -1;
    return value;
  }

  /** A plain scalar in block context, folded over continuation lines indented more than `parent`. */
  private plain(li: number, col: number, parent: number): unknown {
    const text = this.lines[li] as string;
    const c = text.charCodeAt(col);
    if (c < 128 && INDICATOR[c] === 1) {
      if (!(c === DASH && col + 1 < text.length && text.charCodeAt(col + 1) !== SPACE)) bail();
    }
    const comment = text.indexOf(" #", col);
    let end = comment < 0 ? text.length : comment;
    while (end > col && text.charCodeAt(end - 1) === SPACE) end--;
    let s = text.slice(col, end);
    if (s.includes(": ") || s.endsWith(":")) bail();
    this.endLine = li;
    if (comment >= 0) return resolvePlain(s); // a comment ends the scalar (more lines would be an error)
    let blanks = 0;
    for (let k = li + 1; k < this.end; k++) {
      const t = this.lines[k] as string;
      let n = 0;
      while (t.charCodeAt(n) === SPACE) n++;
      if (n === t.length) {
        blanks++;
        continue;
      }
      if (n <= parent) break;
      let e = t.length;
      while (t.charCodeAt(e - 1) === SPACE) e--;
      const part = t.slice(n, e);
      const first = part.charCodeAt(0);
      if (first === HASH) break; // a comment line ends the scalar
      // Indicators, ": " and " #" on continuation lines: left to the library.
      if (first < 128 && INDICATOR[first] === 1) bail();
      if (part.includes(": ") || part.includes(" #") || part.endsWith(":")) bail();
      s += blanks > 0 ? "\n".repeat(blanks) : " ";
      s += part;
      blanks = 0;
      this.endLine = k;
    }
    return resolvePlain(s);
  }

  /** The first content line after a line break inside a quoted scalar: its index and indentation, or bail. */
  private continuation(from: number, parent: number): { line: number; indent: number; blanks: number } {
    let blanks = 0;
    for (let k = from; k < this.end; k++) {
      const t = this.lines[k] as string;
      let n = 0;
      while (t.charCodeAt(n) === SPACE) n++;
      if (n === t.length) {
        blanks++;
        continue;
      }
      if (n <= parent) bail();
      return { line: k, indent: n, blanks };
    }
    return bail(); // unterminated
  }

  /** A single-quoted scalar over several lines: line breaks fold to a space, empty lines to newlines. */
  private multiLineSingleQuoted(li: number, col: number, parent: number): string {
    let text = this.lines[li] as string;
    let out = text.slice(col + 1).replaceAll("''", "'");
    for (;;) {
      let e = out.length;
      while (out.charCodeAt(e - 1) === SPACE) e--;
      out = out.slice(0, e);
      const next = this.continuation(li + 1, parent);
      li = next.line;
      text = this.lines[li] as string;
      out += next.blanks > 0 ? "\n".repeat(next.blanks) : " ";
      for (let k = next.indent; k < text.length; k++) {
        if (text.charCodeAt(k) !== SQUOTE) continue;
        if (text.charCodeAt(k + 1) === SQUOTE) {
          k++;
          continue;
        }
        this.endCol = k + 1;
        this.endLine = li;
        return out + text.slice(next.indent, k).replaceAll("''", "'");
      }
      out += text.slice(next.indent).replaceAll("''", "'");
    }
  }

  /** A double-quoted scalar over several lines, with escapes and escaped line breaks. */
  private multiLineDoubleQuoted(li: number, col: number, parent: number): string {
    let text = this.lines[li] as string;
    let j = col + 1;
    let out = "";
    let kept = 0; // out up to here is not trailing white space of the line
    for (;;) {
      if (j >= text.length) {
        // A line break: drop the line's trailing spaces, then fold.
        let e = out.length;
        while (e > kept && out.charCodeAt(e - 1) === SPACE) e--;
        out = out.slice(0, e);
        const next = this.continuation(li + 1, parent);
        li = next.line;
        text = this.lines[li] as string;
        j = next.indent;
        out += next.blanks > 0 ? "\n".repeat(next.blanks) : " ";
        kept = out.length;
        continue;
      }
      const ch = text.charCodeAt(j);
      if (ch === DQUOTE) {
        this.endCol = j + 1;
        this.endLine = li;
        return out;
      }
      if (ch !== BACKSLASH) {
        out += text[j];
        j++;
        if (ch !== SPACE) kept = out.length;
        continue;
      }
      const e = text[j + 1];
      if (e === undefined) {
        // An escaped line break: nothing is added, and the next line's indentation is dropped.
        const next = this.continuation(li + 1, parent);
        if (next.blanks > 0) bail();
        li = next.line;
        text = this.lines[li] as string;
        j = next.indent;
        kept = out.length;
        continue;
      }
      const escaped = decodeEscape(text, j);
      out += escaped.value;
      j = escaped.end;
      kept = out.length;
    }
  }

  /** Index just after the closing quote, or -1 when the scalar does not close on this line. */
  private scanDoubleQuoted(text: string, col: number): number {
    for (let k = col + 1; k < text.length; k++) {
      const ch = text.charCodeAt(k);
      if (ch === BACKSLASH) k++;
      else if (ch === DQUOTE) return k + 1;
    }
    return -1;
  }

  private scanSingleQuoted(text: string, col: number): number {
    for (let k = col + 1; k < text.length; k++) {
      if (text.charCodeAt(k) === SQUOTE) {
        if (text.charCodeAt(k + 1) === SQUOTE) k++;
        else return k + 1;
      }
    }
    return -1;
  }

  private doubleQuoted(text: string, col: number): string {
    const close = text.indexOf('"', col + 1);
    const slash = text.indexOf("\\", col + 1);
    if (close >= 0 && (slash < 0 || slash > close)) {
      this.endCol = close + 1;
      return text.slice(col + 1, close);
    }
    let out = "";
    let from = col + 1;
    let k = from;
    for (;;) {
      if (k >= text.length) bail(); // continues on the next line
      const ch = text.charCodeAt(k);
      if (ch === DQUOTE) {
        this.endCol = k + 1;
        return out + text.slice(from, k);
      }
      if (ch !== BACKSLASH) {
        k++;
        continue;
      }
      out += text.slice(from, k);
      const e = text[k + 1];
      if (e === undefined) bail();
      const escaped = decodeEscape(text, k);
      out += escaped.value;
      k = escaped.end;
      from = k;
    }
  }

  private singleQuoted(text: string, col: number): string {
    let out = "";
    let from = col + 1;
    for (;;) {
      const q = text.indexOf("'", from);
      if (q < 0) bail();
      if (text.charCodeAt(q + 1) === SQUOTE) {
        out += text.slice(from, q + 1);
        from = q + 2;
        continue;
      }
      this.endCol = q + 1;
      return out + text.slice(from, q);
    }
  }

  private skipSpaces(text: string, k: number): number {
    while (text.charCodeAt(k) === SPACE) k++;
    return k;
  }

  private flowNode(text: string, col: number, line: number): unknown {
    const k = this.skipSpaces(text, col);
    const c = text.charCodeAt(k);
    if (c === 91) return this.flowSequence(text, k, line);
    if (c === 123) return this.flowMapping(text, k, line);
    if (c === DQUOTE) return this.doubleQuoted(text, k);
    if (c === SQUOTE) return this.singleQuoted(text, k);
    if (Number.isNaN(c)) bail();
    if (c < 128 && INDICATOR[c] === 1) {
      // "-1" is a plain scalar; "- x", "?", ":", anchors, tags, aliases are not handled here.
      const n = text.charCodeAt(k + 1);
      if (!(c === DASH && n !== SPACE && !(n < 128 && FLOW_INDICATOR[n] === 1) && !Number.isNaN(n))) bail();
    }
    return resolvePlain(this.flowPlain(text, k, false));
  }

  /** A plain scalar in flow context; ends before , [ ] { } or a ": " (or ":" before a flow indicator). */
  private flowPlain(text: string, col: number, isKey: boolean): string {
    let k = col;
    for (; k < text.length; k++) {
      const ch = text.charCodeAt(k);
      if (ch < 128 && FLOW_INDICATOR[ch] === 1) break;
      if (ch === COLON) {
        const n = text.charCodeAt(k + 1);
        if (Number.isNaN(n) || n === SPACE || (n < 128 && FLOW_INDICATOR[n] === 1)) {
          if (!isKey) bail(); // an implicit pair inside a flow sequence
          break;
        }
      }
      if (ch === HASH && text.charCodeAt(k - 1) === SPACE) bail();
    }
    if (k >= text.length) bail(); // the collection does not close on this line
    let end = k;
    while (end > col && text.charCodeAt(end - 1) === SPACE) end--;
    this.endCol = k;
    if (end === col) bail();
    return text.slice(col, end);
  }

  private flowSequence(text: string, col: number, line: number): unknown[] {
    const arr: unknown[] = [];
    const positions = this.positions<number>();
    let k = this.skipSpaces(text, col + 1);
    if (text.charCodeAt(k) === 93) {
      this.endCol = k + 1;
      this.record(arr, positions);
      return arr;
    }
    for (;;) {
      const c = text.charCodeAt(k);
      if (c === 44 || c === 93) bail(); // empty entry
      arr.push(this.flowNode(text, k, line));
      positions?.push(line);
      k = this.skipSpaces(text, this.endCol);
      const sep = text.charCodeAt(k);
      if (sep === 44) {
        k = this.skipSpaces(text, k + 1);
        if (text.charCodeAt(k) === 93) bail(); // trailing comma
        continue;
      }
      if (sep === 93) {
        this.endCol = k + 1;
        this.record(arr, positions);
        return arr;
      }
      bail();
    }
  }

  private flowMapping(text: string, col: number, line: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const positions = this.positions<string | number>();
    let k = this.skipSpaces(text, col + 1);
    if (text.charCodeAt(k) === 125) {
      this.endCol = k + 1;
      this.record(obj, positions);
      return obj;
    }
    for (;;) {
      const c = text.charCodeAt(k);
      let key: string;
      if (c === DQUOTE) key = this.doubleQuoted(text, k);
      else if (c === SQUOTE) key = this.singleQuoted(text, k);
      else {
        if (Number.isNaN(c) || (c < 128 && INDICATOR[c] === 1)) bail();
        key = this.flowPlain(text, k, true);
        if (key === "<<" || resolvePlain(key) !== key) bail();
      }
      checkKey(key);
      if (obj[key] !== undefined) bail();
      k = this.skipSpaces(text, this.endCol);
      if (text.charCodeAt(k) !== COLON) bail(); // a key without value
      k = this.skipSpaces(text, k + 1);
      const v = text.charCodeAt(k);
      if (v === 44 || v === 125) {
        obj[key] = null;
        this.endCol = k;
      } else {
        obj[key] = this.flowNode(text, k, line);
      }
      positions?.push(key, line);
      k = this.skipSpaces(text, this.endCol);
      const sep = text.charCodeAt(k);
      if (sep === 44) {
        k = this.skipSpaces(text, k + 1);
        if (text.charCodeAt(k) === 125) bail(); // trailing comma
        continue;
      }
      if (sep === 125) {
        this.endCol = k + 1;
        this.record(obj, positions);
        return obj;
      }
      bail();
    }
  }

  /** A literal (|) or folded (>) block scalar, the value of a mapping entry at `indent`. */
  private blockScalar(text: string, col: number, indent: number): string {
    const folded = text.charCodeAt(col) === 62;
    let k = col + 1;
    let chomp: "clip" | "strip" | "keep" = "clip";
    let explicit = 0; // indentation indicator (go-yaml writes one when the text starts with spaces)
    for (let h = 0; h < 2; h++) {
      const ch = text.charCodeAt(k);
      if (ch === DASH && chomp === "clip") chomp = "strip";
      else if (ch === 43 && chomp === "clip") chomp = "keep";
      else if (ch >= 49 && ch <= 57 && explicit === 0) explicit = ch - 48;
      else break;
      k++;
    }
    const afterHeader = k;
    k = this.skipSpaces(text, k);
    if (k < text.length && !(text.charCodeAt(k) === HASH && k > afterHeader)) bail();

    const lines = this.lines;
    let li = this.i;
    if (li >= this.end) bail();
    const first = lines[li] as string;
    let firstIndent = 0;
    while (first.charCodeAt(firstIndent) === SPACE) firstIndent++;
    const contentIndent = explicit > 0 ? indent + explicit : firstIndent;
    // Empty scalars and leading blank lines are left to the library.
    if (firstIndent === first.length || firstIndent < contentIndent || contentIndent <= indent) bail();

    const parts: string[] = [];
    let blanks = 0;
    let last = li;
    for (; li < this.end; li++) {
      const t = lines[li] as string;
      let n = 0;
      while (t.charCodeAt(n) === SPACE) n++;
      if (n === t.length) {
        if (n > contentIndent) bail(); // spaces beyond the indentation are content
        blanks++;
        continue;
      }
      if (n < contentIndent) break;
      if (folded && n > contentIndent) bail(); // more-indented lines are not folded
      for (; blanks > 0; blanks--) parts.push("");
      parts.push(t.slice(contentIndent));
      last = li;
    }
    // No line break after the last line, or kept trailing blank lines: left to the library.
    if (last >= lines.length - 1 || (chomp === "keep" && blanks > 0)) bail();
    this.i = li;
    this.overrideLine = -1;

    let body: string;
    if (folded) {
      body = parts[0] as string;
      let pendingBlanks = 0;
      for (let p = 1; p < parts.length; p++) {
        const part = parts[p] as string;
        if (part === "") {
          pendingBlanks++;
          continue;
        }
        body += pendingBlanks > 0 ? "\n".repeat(pendingBlanks) : " ";
        body += part;
        pendingBlanks = 0;
      }
    } else {
      body = parts.join("\n");
    }
    if (chomp === "strip") return body;
    if (chomp === "clip") return `${body}\n`;
    return `${body}\n${"\n".repeat(blanks)}`;
  }
}
