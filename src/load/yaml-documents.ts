import { LineCounter, parseAllDocuments } from "yaml";
import type { InputProblem } from "../errors/input-error.js";
import { FastYamlBail, fastParseDocument, YAML_OPTIONS } from "./fast-yaml.js";
import { JsonSyntaxError, parseJsonDocuments, reparseJsonDocument } from "./json-documents.js";
import { DocumentPositions, ListLocator, type Locator, NodeLocator, TableLocator } from "./positions.js";
import type { InputText } from "./read-inputs.js";

/** One parsed document: its plain value, and where its nodes are. */
export type SourceDocument = {
  readonly file: string;
  readonly value: unknown;
  /** 1-based line where the document's content starts (for a mapping: its first key). */
  readonly line: number;
  readonly locator: Locator;
};

export type ParsedText = { readonly documents: SourceDocument[]; readonly problems: InputProblem[] };

/**
 * Text → positioned documents. JSON (a text starting with "{" or "["; always for .json files) goes through a JSON
 * parser that records lines; YAML goes document by document through the fast parser, and through the `yaml` library
 * for documents outside the fast parser's subset. Empty documents are skipped.
 */
export function parseDocuments(input: InputText): ParsedText {
  const text = input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text;
  const first = /\S/.exec(text)?.[0];
  const isJsonFile = /\.json$/i.test(input.file);
  if (first === "{" || first === "[") {
    try {
      const documents = parseJsonDocuments(text).map((d) => ({
        file: input.file,
        value: d.value,
        line: d.line,
        locator: new TableLocator(
          new DocumentPositions(d.value, d.line, () => reparseJsonDocument(text, d.offset, d.line)),
        ),
      }));
      return { documents, problems: [] };
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      if (isJsonFile) {
        return {
          documents: [],
          problems: [{ code: "json-syntax", message: error.message, file: input.file, line: error.line }],
        };
      }
      // Not JSON: YAML flow style, parsed below.
    }
  }
  return parseYaml(input.file, text);
}

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t]|$)/;

function parseYaml(file: string, text: string): ParsedText {
  // Directives (%YAML, %TAG) change how every later document is read: the library reads the whole file.
  if (text.startsWith("%") || text.includes("\n%")) return parseWithLibrary(file, text, 0);
  let lines = text.split("\n");
  if (text.includes("\r")) {
    lines = lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
    if (lines.some((l) => l.includes("\r"))) return parseWithLibrary(file, text, 0);
  }
  const out: ParsedText = { documents: [], problems: [] };

  // A document runs from a marker line (or the start) to the next marker line.
  let begin = 0; // first line of the document, its "---" marker included
  let bodyStart = 0; // first line after the marker
  const flush = (end: number): void => {
    parseOne(file, lines, begin, bodyStart, end, out);
  };
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    if (line.charCodeAt(0) !== 45 && line.charCodeAt(0) !== 46) continue;
    if (!DOCUMENT_MARKER.test(line)) continue;
    flush(k);
    // Content after a marker ("--- |", "--- !tag", "... x") is for the library.
    const rest = line.slice(3).trim();
    if (rest !== "" && !rest.startsWith("#")) {
      begin = k;
      bodyStart = -1;
    } else {
      begin = line.startsWith("---") ? k : k + 1;
      bodyStart = k + 1;
    }
  }
  flush(lines.length);
  return out;
}

function parseOne(file: string, lines: string[], begin: number, bodyStart: number, end: number, out: ParsedText): void {
  if (bodyStart >= 0) {
    try {
      const doc = fastParseDocument(lines, bodyStart, end);
      if (doc !== null) {
        const reparse = () => fastParseDocument(lines, bodyStart, end, true)?.value;
        const locator = new TableLocator(new DocumentPositions(doc.value, doc.line, reparse));
        out.documents.push({ file, value: doc.value, line: doc.line, locator });
      }
      return;
    } catch (error) {
      if (!(error instanceof FastYamlBail)) throw error;
    }
  }
  if (bodyStart >= 0 && parseListByItems(file, lines, bodyStart, end, out)) return;
  const parsed = parseWithLibrary(file, lines.slice(begin, end).join("\n"), begin);
  out.documents.push(...parsed.documents);
  out.problems.push(...parsed.problems);
}

const ITEMS_KEY = /^items:\s*(?:#.*)?$/;
const SEQUENCE_ENTRY = /^( *)-(?: |$)/;

/**
 * A List (kubectl get -o yaml) that the fast parser cannot read as a whole is read item by item, so that one odd
 * item (an anchor, a tab in a ConfigMap) goes to the slow library alone, not ten thousand pods with it. Returns false
 * when the document is not shaped like kubectl's output (a root `items:` key, then a block sequence).
 */
function parseListByItems(file: string, lines: string[], bodyStart: number, end: number, out: ParsedText): boolean {
  let itemsLine = -1;
  for (let k = bodyStart; k < end; k++) {
    if (ITEMS_KEY.test(lines[k] as string)) {
      itemsLine = k;
      break;
    }
  }
  if (itemsLine < 0) return false;
  // The items: one chunk per "- " line at the sequence's indentation.
  const starts: number[] = [];
  let seqIndent = -1;
  let regionEnd = end;
  for (let k = itemsLine + 1; k < end; k++) {
    const line = lines[k] as string;
    const trimmed = line.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const indent = line.length - trimmed.length;
    const entry = SEQUENCE_ENTRY.exec(line);
    if (seqIndent < 0) {
      if (entry === null) return false;
      seqIndent = indent;
    }
    if (indent < seqIndent || (indent === seqIndent && entry === null)) {
      regionEnd = k;
      break;
    }
    if (indent === seqIndent) starts.push(k);
  }
  if (starts.length === 0) return false;

  // The root without its items (blank lines in their place, so that lines keep their numbers).
  const rootLines = lines.slice();
  rootLines.fill("", itemsLine + 1, regionEnd);
  let root: ReturnType<typeof fastParseDocument>;
  try {
    root = fastParseDocument(rootLines, bodyStart, end);
  } catch (error) {
    if (error instanceof FastYamlBail) return false;
    throw error;
  }
  if (root === null || typeof root.value !== "object" || root.value === null || Array.isArray(root.value)) return false;

  const values: unknown[] = [];
  const items: { line: number; locator: Locator }[] = [];
  starts.forEach((start, i) => {
    const stop = starts[i + 1] ?? regionEnd;
    let seq: ParsedText;
    try {
      const doc = fastParseDocument(lines, start, stop);
      const reparse = () => fastParseDocument(lines, start, stop, true)?.value;
      const locator = new TableLocator(new DocumentPositions(doc?.value, doc?.line ?? start + 1, reparse));
      seq = { documents: doc === null ? [] : [{ file, value: doc.value, line: doc.line, locator }], problems: [] };
    } catch (error) {
      if (!(error instanceof FastYamlBail)) throw error;
      seq = parseWithLibrary(file, lines.slice(start, stop).join("\n"), start);
    }
    out.problems.push(...seq.problems);
    const doc = seq.documents[0];
    if (doc === undefined || !Array.isArray(doc.value)) return;
    for (let j = 0; j < doc.value.length; j++) {
      values.push(doc.value[j]);
      items.push({ line: doc.locator.lineOf([j]), locator: doc.locator.child([j]) });
    }
  });
  const value = root.value as Record<string, unknown>;
  value.items = values;
  const rootLocator = new TableLocator(
    new DocumentPositions(value, root.line, () => fastParseDocument(rootLines, bodyStart, end, true)?.value),
  );
  out.documents.push({ file, value, line: root.line, locator: new ListLocator(rootLocator, items) });
  return true;
}

/** Parses with the `yaml` library; `lineOffset` is the number of lines before `text` in the file. */
function parseWithLibrary(file: string, text: string, lineOffset: number): ParsedText {
  const out: ParsedText = { documents: [], problems: [] };
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter: counter });
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error !== undefined) {
      const line = (error.linePos?.[0].line ?? 1) + lineOffset;
      const message = error.message.split("\n")[0] ?? error.message;
      out.problems.push({ code: "yaml-syntax", message: `YAML syntax error: ${message}`, file, line });
      continue;
    }
    const contents = doc.contents;
    if (contents === null) continue;
    const line = counter.linePos(contents.range[0]).line + lineOffset;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      out.problems.push({ code: "yaml-syntax", message: `YAML error: ${message}`, file, line });
      continue;
    }
    if (value === null || value === undefined) continue;
    out.documents.push({ file, value, line, locator: new NodeLocator(doc, contents, counter, lineOffset, line) });
  }
  return out;
}
