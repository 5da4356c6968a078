import { type Expr, SPLAT_ITEM } from "./hcl-ast.js";
import {
  cidrhost,
  cidrnetmask,
  cidrsubnet,
  HclError,
  isInstance,
  isList,
  isObject,
  typeName,
  UnknownValue,
  type Value,
} from "./hcl-value.js";

/** Names visible to an expression: `var`, `local`, resource types, `count`, `each`, for-expression variables… */
export type Scope = {
  readonly file: string;
  lookup(name: string, line: number): Value;
};

export function childScope(parent: Scope, names: Readonly<Record<string, Value>>): Scope {
  return {
    file: parent.file,
    lookup: (name, line) => (Object.hasOwn(names, name) ? (names[name] as Value) : parent.lookup(name, line)),
  };
}

/** Evaluates an HCL expression exactly; what cannot be known becomes an UnknownValue, never a guess. */
export function evaluate(e: Expr, scope: Scope): Value {
  switch (e.t) {
    case "lit":
      return e.v;
    case "tmpl": {
      let out = "";
      for (const part of e.parts) {
        if (typeof part === "string") {
          out += part;
          continue;
        }
        const v = evaluate(part, scope);
        if (v instanceof UnknownValue) return v;
        out += toStringValue(v, part.line);
      }
      return out;
    }
    case "var":
      return scope.lookup(e.name, e.line);
    case "attr":
      return getAttr(evaluate(e.obj, scope), e.name, e.line, scope.file);
    case "index":
      return getIndex(evaluate(e.obj, scope), evaluate(e.key, scope), e.line, scope.file);
    case "splat": {
      const obj = evaluate(e.obj, scope);
      if (obj instanceof UnknownValue) return obj;
      // A splat on a single non-list value treats it as a one-element list; on null, an empty list.
      const items = obj === null ? [] : isList(obj) ? obj : [obj];
      return items.map((item) => evaluate(e.each, childScope(scope, { [SPLAT_ITEM]: item })));
    }
    case "call":
      return call(e.name, e.args, e.expand, e.line, scope);
    case "tuple":
      return e.items.map((i) => evaluate(i, scope));
    case "object": {
      const out: Record<string, Value> = {};
      for (const { key, val } of e.items) {
        const k = evaluate(key, scope);
        if (k instanceof UnknownValue) return k;
        out[toStringValue(k, key.line)] = evaluate(val, scope);
      }
      return out;
    }
    case "cond": {
      const c = evaluate(e.c, scope);
      if (c instanceof UnknownValue) return c;
      if (typeof c !== "boolean") throw new HclError("type-mismatch", `condition is ${typeName(c)}, not bool`, e.line);
      return evaluate(c ? e.a : e.b, scope);
    }
    case "bin":
      return binary(e.op, e.l, e.r, e.line, scope);
    case "un": {
      const v = evaluate(e.e, scope);
      if (v instanceof UnknownValue) return v;
      if (e.op === "!") return !asBool(v, e.line);
      if (e.op === "-") return -asNumber(v, e.line);
      throw new HclError("unsupported-expression", `unsupported operator ${e.op}`, e.line);
    }
    case "for":
      return forExpr(e, scope);
    case "unsupported":
      return new UnknownValue(`${e.what} is not evaluated by Ward`, scope.file, e.line);
  }
}

export function getAttr(obj: Value, name: string, line: number, file: string): Value {
  if (obj instanceof UnknownValue) return obj;
  if (isInstance(obj)) return obj.get(name, line);
  if (isObject(obj)) {
    if (!Object.hasOwn(obj, name))
      throw new HclError("unsupported-attribute", `this object has no attribute "${name}"`, line);
    return obj[name] as Value;
  }
  if (isList(obj))
    throw new HclError(
      "unsupported-attribute",
      `cannot read "${name}" of a list: it has several instances, use an index ([0]) or a splat ([*])`,
      line,
    );
  void file;
  throw new HclError("unsupported-attribute", `cannot read "${name}" of a ${typeName(obj)} value`, line);
}

export function getIndex(obj: Value, key: Value, line: number, file: string): Value {
  if (obj instanceof UnknownValue) return obj;
  if (key instanceof UnknownValue) return key;
  if (isList(obj)) {
    const i = asNumber(key, line);
    if (!Number.isInteger(i) || i < 0 || i >= obj.length)
      throw new HclError("invalid-index", `index ${i} is out of range (the list has ${obj.length} elements)`, line);
    return obj[i] as Value;
  }
  if (isObject(obj)) {
    const k = toStringValue(key, line);
    if (!Object.hasOwn(obj, k)) throw new HclError("invalid-index", `no element with key "${k}"`, line);
    return obj[k] as Value;
  }
  if (isInstance(obj)) return obj.get(toStringValue(key, line), line);
  void file;
  throw new HclError("invalid-index", `cannot index a ${typeName(obj)} value`, line);
}

export function toStringValue(v: Value, line: number): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new HclError("type-mismatch", `a ${typeName(v)} value is used where a string is required`, line);
}

function asNumber(v: Value, line: number): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  throw new HclError("type-mismatch", `a ${typeName(v)} value is used where a number is required`, line);
}

function asBool(v: Value, line: number): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw new HclError("type-mismatch", `a ${typeName(v)} value is used where a bool is required`, line);
}

function equal(a: Value, b: Value): boolean {
  if (isList(a) && isList(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i] as Value));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k] as Value, b[k] as Value))
    );
  }
  if (isInstance(a) && isInstance(b)) return a.address === b.address;
  return a === b;
}

function binary(op: string, le: Expr, re: Expr, line: number, scope: Scope): Value {
  const l = evaluate(le, scope);
  if (op === "&&" && l === false) return false;
  if (op === "||" && l === true) return true;
  const r = evaluate(re, scope);
  if (l instanceof UnknownValue) return l;
  if (r instanceof UnknownValue) return r;
  switch (op) {
    case "==":
      return equal(l, r);
    case "!=":
      return !equal(l, r);
    case "&&":
      return asBool(l, line) && asBool(r, line);
    case "||":
      return asBool(l, line) || asBool(r, line);
  }
  const a = asNumber(l, line);
  const b = asNumber(r, line);
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      if (b === 0) throw new HclError("invalid-expression", "division by zero", line);
      return a / b;
    case "%":
      if (b === 0) throw new HclError("invalid-expression", "division by zero", line);
      return a % b;
    case "<":
      return a < b;
    case ">":
      return a > b;
    case "<=":
      return a <= b;
    case ">=":
      return a >= b;
  }
  throw new HclError("unsupported-expression", `unsupported operator ${op}`, line);
}

function entries(v: Value, line: number): [Value, Value][] {
  if (isList(v)) return v.map((x, i) => [i, x]);
  // Maps and objects iterate in lexical key order (Terraform: "for Expressions").
  if (isObject(v))
    return Object.keys(v)
      .sort()
      .map((k) => [k, v[k] as Value]);
  throw new HclError("type-mismatch", `cannot iterate over a ${typeName(v)} value`, line);
}

function forExpr(e: Extract<Expr, { t: "for" }>, scope: Scope): Value {
  const coll = evaluate(e.coll, scope);
  if (coll instanceof UnknownValue) return coll;
  const list: Value[] = [];
  const obj: Record<string, Value> = {};
  for (const [k, v] of entries(coll, e.line)) {
    const inner = childScope(scope, e.keyVar === undefined ? { [e.valVar]: v } : { [e.keyVar]: k, [e.valVar]: v });
    if (e.cond) {
      const c = evaluate(e.cond, inner);
      if (c instanceof UnknownValue) return c;
      if (!asBool(c, e.line)) continue;
    }
    const val = evaluate(e.val, inner);
    if (!e.object) {
      list.push(val);
      continue;
    }
    const key = evaluate(e.key as Expr, inner);
    if (key instanceof UnknownValue) return key;
    const ks = toStringValue(key, e.line);
    if (e.group) obj[ks] = [...((obj[ks] as Value[] | undefined) ?? []), val];
    else {
      if (Object.hasOwn(obj, ks))
        throw new HclError("duplicate-key", `duplicate key "${ks}" in for expression (use ... to group)`, e.line);
      obj[ks] = val;
    }
  }
  return e.object ? obj : list;
}

function flatten(v: Value): Value[] {
  if (!isList(v)) return [v];
  return v.flatMap((x) => flatten(x));
}

function call(name: string, argExprs: readonly Expr[], expand: boolean, line: number, scope: Scope): Value {
  if (name === "try" || name === "can") {
    for (const a of argExprs) {
      try {
        const v = evaluate(a, scope);
        if (name === "can") return !(v instanceof UnknownValue) || v;
        return v;
      } catch (error) {
        if (!(error instanceof HclError)) throw error;
        if (name === "can") return false;
      }
    }
    if (name === "can") return false;
    throw new HclError("invalid-function-argument", "try: no argument could be evaluated", line);
  }
  let args = argExprs.map((a) => evaluate(a, scope));
  if (expand) {
    const last = args[args.length - 1];
    if (last instanceof UnknownValue) return last;
    if (last === undefined || !isList(last)) throw new HclError("type-mismatch", `${name}: ... expands a list`, line);
    args = [...args.slice(0, -1), ...last];
  }
  // Functions are strict in unknowns: any unknown argument makes the result unknown (Terraform does the same).
  const unknown =
    args.find((a) => a instanceof UnknownValue) ?? args.flatMap(flatten).find((a) => a instanceof UnknownValue);
  const arity = (n: number) => {
    if (args.length !== n)
      throw new HclError("invalid-function-argument", `${name} takes ${n} arguments, not ${args.length}`, line);
  };
  const str = (v: Value | undefined) => toStringValue(v ?? null, line);
  const num = (v: Value | undefined) => asNumber(v ?? null, line);
  const list = (v: Value | undefined): readonly Value[] => {
    if (v !== undefined && isList(v)) return v;
    throw new HclError(
      "type-mismatch",
      `${name}: a ${typeName(v ?? null)} value is used where a list is required`,
      line,
    );
  };
  const obj = (v: Value | undefined): { readonly [k: string]: Value } => {
    if (v !== undefined && isObject(v)) return v;
    throw new HclError(
      "type-mismatch",
      `${name}: a ${typeName(v ?? null)} value is used where a map is required`,
      line,
    );
  };
  switch (name) {
    case "lookup": {
      if (args.length !== 2 && args.length !== 3) arity(3);
      if (args[0] instanceof UnknownValue) return args[0];
      const m = obj(args[0]);
      const k = str(args[1]);
      if (Object.hasOwn(m, k)) return m[k] as Value;
      if (args.length === 3) return args[2] as Value;
      throw new HclError("invalid-function-argument", `lookup: no key "${k}" and no default`, line);
    }
    case "coalesce": {
      for (const a of args) {
        if (a instanceof UnknownValue) return a;
        if (a !== null && a !== "") return a;
      }
      throw new HclError("invalid-function-argument", "coalesce: no non-null argument", line);
    }
  }
  if (unknown instanceof UnknownValue) return unknown;
  switch (name) {
    case "cidrsubnet":
      arity(3);
      return cidrsubnet(str(args[0]), num(args[1]), num(args[2]), line);
    case "cidrhost":
      arity(2);
      return cidrhost(str(args[0]), num(args[1]), line);
    case "cidrnetmask":
      arity(1);
      return cidrnetmask(str(args[0]), line);
    case "cidrsubnets": {
      const prefix = str(args[0]);
      const out: string[] = [];
      // Consecutive allocation as Terraform's cidrsubnets: each new prefix starts after the previous one, aligned.
      let next = 0n;
      const baseLen = Number(prefix.split("/")[1]);
      const family = prefix.includes(":") ? 6 : 4;
      const width = family === 4 ? 32 : 128;
      for (const nb of args.slice(1)) {
        const bits = num(nb);
        const step = 1n << BigInt(width - baseLen - bits);
        const aligned = ((next + step - 1n) / step) * step;
        out.push(cidrsubnet(prefix, bits, Number(aligned / step), line));
        next = aligned + step;
      }
      return out;
    }
    case "length": {
      arity(1);
      const v = args[0] as Value;
      if (typeof v === "string") return [...v].length;
      if (isList(v)) return v.length;
      if (isObject(v)) return Object.keys(v).length;
      throw new HclError("type-mismatch", `length: cannot measure a ${typeName(v)} value`, line);
    }
    case "element": {
      arity(2);
      const l = list(args[0]);
      if (l.length === 0) throw new HclError("invalid-function-argument", "element: empty list", line);
      const i = Math.floor(num(args[1]));
      // element wraps around (index modulo length).
      return l[((i % l.length) + l.length) % l.length] as Value;
    }
    case "concat":
      return args.flatMap((a) => list(a));
    case "tolist":
    case "toset": {
      arity(1);
      const v = args[0] as Value;
      const l = isList(v) ? v : isObject(v) ? Object.values(v) : list(v);
      if (name === "tolist") return l;
      const seen: Value[] = [];
      for (const x of l) if (!seen.some((s) => equal(s, x))) seen.push(x);
      // Sets of strings iterate in lexical order.
      return seen.every((x) => typeof x === "string") ? [...seen].sort() : seen;
    }
    case "tomap":
      arity(1);
      return obj(args[0]);
    case "tostring":
      arity(1);
      return args[0] === null ? null : str(args[0]);
    case "tonumber":
      arity(1);
      return args[0] === null ? null : num(args[0]);
    case "merge": {
      const out: Record<string, Value> = {};
      for (const a of args) if (a !== null) Object.assign(out, obj(a));
      return out;
    }
    case "flatten":
      arity(1);
      return flatten(list(args[0]));
    case "keys":
      arity(1);
      return Object.keys(obj(args[0])).sort();
    case "values": {
      arity(1);
      const m = obj(args[0]);
      return Object.keys(m)
        .sort()
        .map((k) => m[k] as Value);
    }
    case "zipmap": {
      arity(2);
      const ks = list(args[0]);
      const vs = list(args[1]);
      const out: Record<string, Value> = {};
      ks.forEach((k, i) => {
        out[str(k)] = vs[i] ?? null;
      });
      return out;
    }
    case "distinct": {
      const out: Value[] = [];
      for (const x of list(args[0])) if (!out.some((s) => equal(s, x))) out.push(x);
      return out;
    }
    case "contains":
      arity(2);
      return list(args[0]).some((x) => equal(x, args[1] as Value));
    case "range": {
      const [a, b, s] =
        args.length === 1 ? [0, num(args[0]), 1] : [num(args[0]), num(args[1]), args.length > 2 ? num(args[2]) : 1];
      const out: number[] = [];
      if (s === 0) throw new HclError("invalid-function-argument", "range: step 0", line);
      for (let i = a; s > 0 ? i < b : i > b; i += s) {
        out.push(i);
        if (out.length > 1024) throw new HclError("invalid-function-argument", "range: more than 1024 elements", line);
      }
      return out;
    }
    case "join":
      arity(2);
      return list(args[1])
        .map((x) => str(x))
        .join(str(args[0]));
    case "split":
      arity(2);
      return str(args[1]).split(str(args[0]));
    case "format":
      return format(str(args[0]), args.slice(1), line);
    case "lower":
      return str(args[0]).toLowerCase();
    case "upper":
      return str(args[0]).toUpperCase();
    case "min":
      return Math.min(...args.map(num));
    case "max":
      return Math.max(...args.map(num));
    case "slice": {
      arity(3);
      return list(args[0]).slice(num(args[1]), num(args[2]));
    }
    case "one": {
      const l = list(args[0]);
      if (l.length > 1) throw new HclError("invalid-function-argument", "one: more than one element", line);
      return l[0] ?? null;
    }
  }
  return new UnknownValue(`function ${name}() is not evaluated by Ward`, scope.file, line);
}

function format(spec: string, args: readonly Value[], line: number): string {
  let i = 0;
  return spec.replace(/%(%|[-0-9.]*[sdvqf])/g, (m, verb: string) => {
    if (verb === "%") return "%";
    const v = args[i++];
    if (v === undefined) throw new HclError("invalid-function-argument", "format: too few arguments", line);
    if (verb.endsWith("d")) {
      const n = String(Math.trunc(asNumber(v, line)));
      const width = Number(verb.replace(/[^0-9]/g, "") || "0");
      return verb.startsWith("0") ? n.padStart(width, "0") : n.padStart(width);
    }
    void m;
    return toStringValue(v, line);
  });
}
