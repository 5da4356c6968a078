import type { SelectorExpression } from "../../model/selector-expression.js";

/** A syntax error in a selector expression, with the offset where it was found. */
export class SelectorSyntaxError extends Error {
  override name = "SelectorSyntaxError";
  constructor(
    readonly expression: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`bad selector "${expression}" at character ${offset + 1}: ${detail}`);
  }
}

type Token =
  | { t: "ident"; v: string; at: number }
  | { t: "string"; v: string; at: number }
  | { t: "op"; v: string; at: number }
  | { t: "end"; at: number };

// Calico label keys: a qualified name with an optional DNS prefix (docs.tigera.io "Selectors").
const IDENT = /[A-Za-z0-9_./-]/;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (["==", "!=", "&&", "||"].includes(two)) {
      out.push({ t: "op", v: two, at: i });
      i += 2;
      continue;
    }
    if ("(){},!".includes(c)) {
      out.push({ t: "op", v: c, at: i });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new SelectorSyntaxError(text, i, "unterminated string");
      out.push({ t: "string", v: text.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    if (IDENT.test(c)) {
      let j = i;
      while (j < text.length && IDENT.test(text[j] as string)) j++;
      out.push({ t: "ident", v: text.slice(i, j), at: i });
      i = j;
      continue;
    }
    throw new SelectorSyntaxError(text, i, `unexpected character "${c}"`);
  }
  out.push({ t: "end", at: text.length });
  return out;
}

/**
 * Parses Calico's selector language: `k == 'v'`, `k != 'v'`, `has(k)`, `!has(k)`, `k in {'a','b'}`,
 * `k not in {...}`, `k contains 's'`, `k starts with 's'`, `k ends with 's'`, `all()`, `global()`, `!expr`,
 * `&&` (binds tighter than `||`) and parentheses. An empty selector is all().
 */
export function parseCalicoSelector(text: string): SelectorExpression {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos] as Token;
  const next = () => tokens[pos++] as Token;
  const fail = (tok: Token, detail: string): never => {
    throw new SelectorSyntaxError(text, tok.at, detail);
  };
  const expectOp = (v: string) => {
    const tok = next();
    if (tok.t !== "op" || tok.v !== v) fail(tok, `expected "${v}"`);
  };
  const str = (): string => {
    const tok = next();
    if (tok.t !== "string") fail(tok, "expected a quoted string");
    return (tok as { v: string }).v;
  };
  const set = (): string[] => {
    expectOp("{");
    const values: string[] = [];
    if (peek().t === "op" && (peek() as { v: string }).v === "}") {
      next();
      return values;
    }
    for (;;) {
      values.push(str());
      const tok = next();
      if (tok.t === "op" && tok.v === "}") return values;
      if (tok.t !== "op" || tok.v !== ",") fail(tok, 'expected "," or "}"');
    }
  };
  const word = (w: string) => {
    const tok = next();
    if (tok.t !== "ident" || tok.v !== w) fail(tok, `expected "${w}"`);
  };

  function primary(): SelectorExpression {
    const tok = next();
    if (tok.t === "op" && tok.v === "!") return { op: "not", expr: primary() };
    if (tok.t === "op" && tok.v === "(") {
      const e = or();
      expectOp(")");
      return e;
    }
    if (tok.t !== "ident")
      return fail(tok, tok.t === "end" ? "unexpected end of selector" : "expected a label or a function");
    if (tok.v === "all" || tok.v === "global") {
      expectOp("(");
      expectOp(")");
      // global() selects only non-namespaced resources (host endpoints, global network sets): never a pod.
      return tok.v === "all" ? { op: "all" } : { op: "not", expr: { op: "all" } };
    }
    if (tok.v === "has") {
      expectOp("(");
      const key = next();
      if (key.t !== "ident") fail(key, "expected a label name");
      expectOp(")");
      return { op: "has", key: (key as { v: string }).v };
    }
    const key = tok.v;
    const op = next();
    if (op.t === "op" && op.v === "==") return { op: "eq", key, value: str() };
    if (op.t === "op" && op.v === "!=") return { op: "ne", key, value: str() };
    if (op.t === "ident") {
      if (op.v === "in") return { op: "in", key, values: set() };
      if (op.v === "not") {
        word("in");
        return { op: "notin", key, values: set() };
      }
      if (op.v === "contains") return { op: "contains", key, value: str() };
      if (op.v === "starts") {
        word("with");
        return { op: "starts", key, value: str() };
      }
      if (op.v === "ends") {
        word("with");
        return { op: "ends", key, value: str() };
      }
    }
    return fail(op, `expected an operator after "${key}" (==, !=, in, not in, contains, starts with, ends with)`);
  }
  function and(): SelectorExpression {
    let left = primary();
    while (peek().t === "op" && (peek() as { v: string }).v === "&&") {
      next();
      left = { op: "and", left, right: primary() };
    }
    return left;
  }
  function or(): SelectorExpression {
    let left = and();
    while (peek().t === "op" && (peek() as { v: string }).v === "||") {
      next();
      left = { op: "or", left, right: and() };
    }
    return left;
  }

  if (peek().t === "end") return { op: "all" };
  const expr = or();
  if (peek().t !== "end") fail(peek(), "unexpected text after the selector");
  return expr;
}
