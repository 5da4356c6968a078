import { createRequire } from "node:module";
import { Language, type Node, Parser } from "web-tree-sitter";
import type { InputProblem } from "../../errors/input-error.js";

/** An HCL expression, reduced from the tree-sitter syntax tree; every node keeps its 1-based line. */
export type Expr =
  | { readonly t: "lit"; readonly v: string | number | boolean | null; readonly line: number }
  | { readonly t: "tmpl"; readonly parts: readonly (string | Expr)[]; readonly line: number }
  | { readonly t: "var"; readonly name: string; readonly line: number }
  | { readonly t: "attr"; readonly obj: Expr; readonly name: string; readonly line: number }
  | { readonly t: "index"; readonly obj: Expr; readonly key: Expr; readonly line: number }
  /** `obj[*].a.b` / `obj.*.a`: `each` applies `rest` (built on a "splat-item" var) to every element. */
  | { readonly t: "splat"; readonly obj: Expr; readonly each: Expr; readonly line: number }
  | {
      readonly t: "call";
      readonly name: string;
      readonly args: readonly Expr[];
      readonly expand: boolean;
      readonly line: number;
    }
  | { readonly t: "tuple"; readonly items: readonly Expr[]; readonly line: number }
  | { readonly t: "object"; readonly items: readonly { key: Expr; val: Expr }[]; readonly line: number }
  | { readonly t: "cond"; readonly c: Expr; readonly a: Expr; readonly b: Expr; readonly line: number }
  | { readonly t: "bin"; readonly op: string; readonly l: Expr; readonly r: Expr; readonly line: number }
  | { readonly t: "un"; readonly op: string; readonly e: Expr; readonly line: number }
  | {
      readonly t: "for";
      readonly keyVar?: string;
      readonly valVar: string;
      readonly coll: Expr;
      readonly key?: Expr;
      readonly val: Expr;
      readonly cond?: Expr;
      readonly object: boolean;
      readonly group: boolean;
      readonly line: number;
    }
  | { readonly t: "unsupported"; readonly what: string; readonly line: number };

export const SPLAT_ITEM = "\u0000splat";

export type Attribute = { readonly name: string; readonly expr: Expr; readonly line: number };

export type Block = {
  readonly type: string;
  readonly labels: readonly string[];
  readonly attributes: ReadonlyMap<string, Attribute>;
  readonly blocks: readonly Block[];
  readonly file: string;
  readonly line: number;
  /** The JSON path of a block read from `terraform show -json` output. */
  readonly path?: string;
};

let parserPromise: Promise<Parser> | undefined;

/** The HCL grammar ships as WASM inside its npm package: no native build, no download. */
function parser(): Promise<Parser> {
  parserPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const wasm = require.resolve("@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm");
    const language = await Language.load(wasm);
    const p = new Parser();
    p.setLanguage(language);
    return p;
  })();
  return parserPromise;
}

export type ParsedHcl = { readonly body: Block; readonly problems: readonly InputProblem[] };

/** Parses one HCL file into blocks and attributes; syntax errors are problems with file:line. */
export async function parseHcl(file: string, text: string): Promise<ParsedHcl> {
  const p = await parser();
  const tree = p.parse(text);
  if (tree === null) return { body: emptyBody(file), problems: [syntaxProblem(file, 1, "cannot parse")] };
  try {
    const root = tree.rootNode;
    const problems: InputProblem[] = [];
    if (root.hasError) {
      const bad = firstError(root);
      const line = bad ? bad.startPosition.row + 1 : 1;
      const what = bad?.isMissing ? `missing ${bad.type}` : `unexpected ${JSON.stringify(snippet(bad?.text ?? ""))}`;
      problems.push(syntaxProblem(file, line, `HCL syntax error: ${what}`));
      return { body: emptyBody(file), problems };
    }
    const body = root.namedChildren.find((c) => c?.type === "body");
    return { body: body ? readBody(body, file, "", [], 1) : emptyBody(file), problems };
  } finally {
    tree.delete();
  }
}

function snippet(s: string): string {
  const first = s.split("\n")[0] ?? "";
  return first.length > 40 ? `${first.slice(0, 40)}…` : first;
}

function syntaxProblem(file: string, line: number, message: string): InputProblem {
  return { code: "hcl-syntax", message, file, line };
}

function emptyBody(file: string): Block {
  return { type: "", labels: [], attributes: new Map(), blocks: [], file, line: 1 };
}

function firstError(node: Node): Node | undefined {
  if (node.isError || node.isMissing) return node;
  for (const child of node.children) {
    if (child && (child.hasError || child.isMissing || child.isError)) {
      const found = firstError(child);
      if (found) return found;
    }
  }
  return undefined;
}

const lineOf = (n: Node): number => n.startPosition.row + 1;

function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== "comment");
}

function readBody(body: Node, file: string, type: string, labels: string[], line: number): Block {
  const attributes = new Map<string, Attribute>();
  const blocks: Block[] = [];
  for (const child of named(body)) {
    if (child.type === "attribute") {
      const [id, expr] = named(child);
      if (!id || !expr) continue;
      attributes.set(id.text, { name: id.text, expr: readExpr(expr), line: lineOf(child) });
    } else if (child.type === "block") {
      const parts = named(child);
      const blockType = parts[0]?.text ?? "";
      const blockLabels = parts
        .slice(1)
        .filter((c) => c.type === "string_lit" || c.type === "identifier")
        .map((c) => (c.type === "string_lit" ? stringLit(c) : c.text));
      const inner = parts.find((c) => c.type === "body");
      blocks.push(
        inner
          ? readBody(inner, file, blockType, blockLabels, lineOf(child))
          : { type: blockType, labels: blockLabels, attributes: new Map(), blocks: [], file, line: lineOf(child) },
      );
    }
  }
  return { type, labels, attributes, blocks, file, line };
}

function stringLit(n: Node): string {
  return named(n)
    .filter((c) => c.type === "template_literal")
    .map((c) => unescapeHcl(c.text))
    .join("");
}

function unescapeHcl(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_m, e: string) => {
    if (e === "n") return "\n";
    if (e === "t") return "\t";
    if (e === "r") return "\r";
    if (e.startsWith("u") || e.startsWith("U")) return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
    return e;
  });
}

/** `expression` nodes: a primary followed by get_attr / index / splat postfixes. */
function readExpr(n: Node): Expr {
  if (n.type !== "expression") return readPrimary(n);
  const kids = named(n);
  const first = kids[0];
  if (!first) return { t: "unsupported", what: "empty expression", line: lineOf(n) };
  let e = readPrimary(first);
  for (const post of kids.slice(1)) e = applyPostfix(e, post);
  return e;
}

function applyPostfix(e: Expr, post: Node): Expr {
  const line = lineOf(post);
  switch (post.type) {
    case "get_attr": {
      const id = named(post)[0];
      return { t: "attr", obj: e, name: id?.text ?? "", line };
    }
    case "index": {
      const inner = named(post)[0];
      if (inner?.type === "legacy_index") {
        const num = Number(inner.text.replace(/^\./, ""));
        return { t: "index", obj: e, key: { t: "lit", v: num, line }, line };
      }
      const key = inner ? named(inner)[0] : undefined;
      return {
        t: "index",
        obj: e,
        key: key ? readExpr(key) : { t: "unsupported", what: "index", line },
        line,
      };
    }
    case "splat": {
      const s = named(post)[0];
      let each: Expr = { t: "var", name: SPLAT_ITEM, line };
      for (const p of s ? named(s) : []) each = applyPostfix(each, p);
      return { t: "splat", obj: e, each, line };
    }
    default:
      return { t: "unsupported", what: post.type, line };
  }
}

function readPrimary(n: Node): Expr {
  const line = lineOf(n);
  switch (n.type) {
    case "expression":
      return readExpr(n);
    case "literal_value": {
      const v = named(n)[0];
      if (!v) return { t: "unsupported", what: "literal", line };
      if (v.type === "numeric_lit") return { t: "lit", v: Number(v.text), line };
      if (v.type === "bool_lit") return { t: "lit", v: v.text === "true", line };
      if (v.type === "null_lit") return { t: "lit", v: null, line };
      return { t: "lit", v: stringLit(v), line };
    }
    case "template_expr": {
      const inner = named(n)[0];
      if (inner?.type !== "quoted_template") return { t: "unsupported", what: inner?.type ?? "template", line };
      const parts: (string | Expr)[] = [];
      for (const part of named(inner)) {
        if (part.type === "template_literal") parts.push(unescapeHcl(part.text));
        else if (part.type === "template_interpolation") {
          const e = named(part).find((c) => c.type === "expression");
          if (e) parts.push(readExpr(e));
        } else if (part.type === "template_directive")
          parts.push({ t: "unsupported", what: "template directive", line: lineOf(part) });
      }
      return { t: "tmpl", parts, line };
    }
    case "variable_expr":
      return { t: "var", name: named(n)[0]?.text ?? "", line };
    case "function_call": {
      const kids = named(n);
      const name = kids[0]?.text ?? "";
      const args = kids.find((c) => c.type === "function_arguments");
      const argKids = args ? named(args) : [];
      return {
        t: "call",
        name,
        args: argKids.filter((c) => c.type === "expression").map(readExpr),
        expand: argKids.some((c) => c.type === "ellipsis"),
        line,
      };
    }
    case "collection_value": {
      const c = named(n)[0];
      if (c?.type === "tuple") return { t: "tuple", items: named(c).filter(isExpr).map(readExpr), line };
      if (c?.type === "object") {
        const items = named(c)
          .filter((x) => x.type === "object_elem")
          .map((el) => {
            const k = el.childForFieldName("key");
            const v = el.childForFieldName("val");
            return { key: k ? objectKey(k) : nullLit(line), val: v ? readExpr(v) : nullLit(line) };
          });
        return { t: "object", items, line };
      }
      return { t: "unsupported", what: "collection", line };
    }
    case "conditional": {
      const [c, a, b] = named(n).map(readExpr);
      if (!c || !a || !b) return { t: "unsupported", what: "conditional", line };
      return { t: "cond", c, a, b, line };
    }
    case "operation":
      return readPrimary(named(n)[0] ?? n);
    case "binary_operation": {
      const kids = n.children.filter((c): c is Node => c !== null);
      const operands = groupOperands(kids);
      const op = kids.find((c) => !c.isNamed)?.type ?? "?";
      const [l, r] = operands;
      if (!l || !r) return { t: "unsupported", what: "operation", line };
      return { t: "bin", op, l, r, line };
    }
    case "unary_operation": {
      const kids = n.children.filter((c): c is Node => c !== null);
      const op = kids.find((c) => !c.isNamed)?.type ?? "?";
      const operand = groupOperands(kids);
      return operand[0] ? { t: "un", op, e: operand[0], line } : { t: "unsupported", what: "operation", line };
    }
    case "for_expr": {
      const f = named(n)[0];
      if (!f) return { t: "unsupported", what: "for", line };
      const kids = named(f);
      const intro = kids.find((c) => c.type === "for_intro");
      const ids = intro ? named(intro).filter((c) => c.type === "identifier") : [];
      const collNode = intro ? named(intro).find((c) => c.type === "expression") : undefined;
      const exprs = kids.filter((c) => c.type === "expression").map(readExpr);
      const condNode = kids.find((c) => c.type === "for_cond");
      const condExpr = condNode ? named(condNode)[0] : undefined;
      const object = f.type === "for_object_expr";
      const valVar = ids.length === 2 ? ids[1]?.text : ids[0]?.text;
      if (!collNode || valVar === undefined) return { t: "unsupported", what: "for", line };
      const keyVar = ids.length === 2 ? ids[0]?.text : undefined;
      const key = object ? exprs[0] : undefined;
      const val = object ? exprs[1] : exprs[0];
      if (!val) return { t: "unsupported", what: "for", line };
      return {
        t: "for",
        ...(keyVar === undefined ? {} : { keyVar }),
        valVar,
        coll: readExpr(collNode),
        ...(key === undefined ? {} : { key }),
        val,
        ...(condExpr ? { cond: readExpr(condExpr) } : {}),
        object,
        group: kids.some((c) => c.type === "ellipsis"),
        line,
      };
    }
    default:
      return { t: "unsupported", what: n.type, line };
  }
}

function isExpr(n: Node): boolean {
  return n.type === "expression";
}

const POSTFIX = new Set(["get_attr", "index", "splat"]);

/** Operands of an operation: the grammar lists `a.b[0]` as sibling nodes (primary, get_attr, index). */
function groupOperands(kids: readonly Node[]): Expr[] {
  const out: Expr[] = [];
  for (const k of kids) {
    if (!k.isNamed || k.type === "comment") continue;
    const last = out[out.length - 1];
    if (POSTFIX.has(k.type) && last) out[out.length - 1] = applyPostfix(last, k);
    else out.push(k.type === "expression" ? readExpr(k) : readPrimary(k));
  }
  return out;
}

function nullLit(line: number): Expr {
  return { t: "lit", v: null, line };
}

/** A bare identifier as an object key is the literal key, not a variable (HCL spec: "Collection Values"). */
function objectKey(n: Node): Expr {
  const kids = named(n);
  const only = kids[0];
  if (kids.length === 1 && only?.type === "variable_expr")
    return { t: "lit", v: named(only)[0]?.text ?? "", line: lineOf(n) };
  return readExpr(n);
}
