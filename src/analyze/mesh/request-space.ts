import type { Request } from "../request.js";
import { pathMatches, patternMatches } from "./value-match.js";

/*
 * Request attributes a rule can test, and a small solver: does some request (with the attributes the user fixed)
 * satisfy a formula over them? Attribute values are strings; undefined is "absent" (no such header, no JWT).
 */

export type Attr = string; // "method", "path", "host", "header:<name>", "sni", "auth.principal", "claim:<name>", …
export type Matcher = "glob" | "host" | "path";
export type Atom = { readonly attr: Attr; readonly patterns: readonly string[]; readonly matcher: Matcher };

export type Formula =
  | { readonly k: "const"; readonly v: boolean }
  | { readonly k: "atom"; readonly a: Atom }
  | { readonly k: "not"; readonly x: Formula }
  | { readonly k: "and" | "or"; readonly xs: readonly Formula[] };

export const TRUE: Formula = { k: "const", v: true };
export const FALSE: Formula = { k: "const", v: false };

export function and(xs: Formula[]): Formula {
  if (xs.some((x) => x.k === "const" && !x.v)) return FALSE;
  const rest = xs.filter((x) => !(x.k === "const" && x.v));
  return rest.length === 0 ? TRUE : rest.length === 1 ? (rest[0] as Formula) : { k: "and", xs: rest };
}

export function or(xs: Formula[]): Formula {
  if (xs.some((x) => x.k === "const" && x.v)) return TRUE;
  const rest = xs.filter((x) => !(x.k === "const" && !x.v));
  return rest.length === 0 ? FALSE : rest.length === 1 ? (rest[0] as Formula) : { k: "or", xs: rest };
}

export function not(x: Formula): Formula {
  if (x.k === "const") return { k: "const", v: !x.v };
  if (x.k === "not") return x.x;
  return { k: "not", x };
}

export function atomMatches(a: Atom, value: string | undefined): boolean {
  return a.patterns.some((p) =>
    a.matcher === "path" ? pathMatches(p, value) : patternMatches(p, value, a.matcher === "host"),
  );
}

export type Assignment = ReadonlyMap<Attr, string | undefined>;

/** Three-valued evaluation: undefined when it depends on an attribute not assigned yet. */
export function evaluate(f: Formula, env: Assignment): boolean | undefined {
  switch (f.k) {
    case "const":
      return f.v;
    case "atom":
      return env.has(f.a.attr) ? atomMatches(f.a, env.get(f.a.attr)) : undefined;
    case "not": {
      const v = evaluate(f.x, env);
      return v === undefined ? undefined : !v;
    }
    case "and": {
      let unknown = false;
      for (const x of f.xs) {
        const v = evaluate(x, env);
        if (v === false) return false;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case "or": {
      let unknown = false;
      for (const x of f.xs) {
        const v = evaluate(x, env);
        if (v === true) return true;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
  }
}

export function atoms(f: Formula, out: Atom[] = []): Atom[] {
  if (f.k === "atom") out.push(f.a);
  else if (f.k === "not") atoms(f.x, out);
  else if (f.k === "and" || f.k === "or") for (const x of f.xs) atoms(x, out);
  return out;
}

/** The fixed values of a request: what the user gave. */
export function fixedAttributes(request: Request): Map<Attr, string | undefined> {
  const m = new Map<Attr, string | undefined>();
  if (request.method !== undefined) m.set("method", request.method);
  // Envoy RBAC matches the path without its query string.
  if (request.path !== undefined) m.set("path", request.path.replace(/[?#].*$/, ""));
  if (request.host !== undefined) m.set("host", request.host);
  for (const [k, v] of Object.entries(request.headers)) m.set(`header:${k.toLowerCase()}`, v);
  return m;
}

/** Can an attribute be absent? Method, path and host are always present in an HTTP request. */
function canBeAbsent(attr: Attr): boolean {
  return attr !== "method" && attr !== "path" && attr !== "host";
}

/**
 * Values worth trying for an attribute: every exact value, and for each prefix P and suffix S in the patterns, P+σ+S
 * with σ a string no pattern contains. Every value agrees with one of these on every pattern (it has the same
 * longest prefix and suffix among the patterns, or equals an exact value), so trying these is complete.
 */
export function candidates(attr: Attr, all: readonly Atom[]): (string | undefined)[] {
  const patterns = all.filter((a) => a.attr === attr).flatMap((a) => a.patterns);
  const isPath = attr === "path";
  const lower = (s: string) => (attr === "host" ? s.toLowerCase() : s);
  const sep = ["x", "w4rd", "_ward_", "\u2400"].find((s) => patterns.every((p) => !p.includes(s))) ?? "\u2400\u2401";
  const exact = new Set<string>();
  const prefixes = new Set<string>([isPath ? "/" : ""]);
  const suffixes = new Set<string>([""]);
  for (const raw of patterns) {
    const p = lower(raw);
    if (isPath && /\{\*\*?\}/.test(p)) {
      exact.add(p.replace(/\{\*\*\}/g, `${sep}/${sep}`).replace(/\{\*\}/g, sep));
      continue;
    }
    if (p === "*") continue;
    if (p.endsWith("*")) prefixes.add(p.slice(0, -1));
    else if (p.startsWith("*")) suffixes.add(p.slice(1));
    else exact.add(p);
  }
  const out: (string | undefined)[] = [...exact];
  for (const pre of prefixes) for (const suf of suffixes) out.push(pre + sep + suf);
  if (canBeAbsent(attr)) out.push(undefined, "");
  const seen = new Set<string | undefined>();
  return out.filter((v) => {
    if (seen.has(v)) return false;
    seen.add(v);
    if (isPath) return v?.startsWith("/") === true;
    return !(v === "" && !canBeAbsent(attr));
  });
}

/**
 * Some assignment of the free attributes under which `f` holds, given the fixed ones; undefined when none does.
 * `free(attr)` says whether an attribute the user did not fix can take any value (else it is absent).
 */
export function solve(
  f: Formula,
  fixed: Assignment,
  free: (attr: Attr) => boolean,
): Map<Attr, string | undefined> | undefined {
  const all = atoms(f);
  const env = new Map<Attr, string | undefined>();
  const open: Attr[] = [];
  for (const a of new Set(all.map((x) => x.attr))) {
    if (fixed.has(a)) env.set(a, fixed.get(a));
    else if (free(a)) open.push(a);
    else env.set(a, undefined);
  }
  const choices = open.map((a) => candidates(a, all));
  const search = (i: number): boolean => {
    const v = evaluate(f, env);
    if (v === false) return false;
    if (v === true) return true;
    if (i >= open.length) return false;
    const attr = open[i] as Attr;
    for (const c of choices[i] ?? []) {
      env.set(attr, c);
      if (search(i + 1)) return true;
    }
    env.delete(attr);
    return false;
  };
  if (!search(0)) return undefined;
  for (const a of open) if (!env.has(a)) env.delete(a);
  return env;
}

/** The witness as a Request (for explanations). */
export function toRequest(env: ReadonlyMap<Attr, string | undefined>, base: Request): Request {
  const headers: Record<string, string> = { ...base.headers };
  let method = base.method;
  let path = base.path;
  let host = base.host;
  for (const [k, v] of env) {
    if (v === undefined) continue;
    if (k === "method") method = v;
    else if (k === "path") path = v;
    else if (k === "host") host = v;
    else if (k.startsWith("header:")) headers[k.slice("header:".length)] = v;
  }
  return {
    ...(method === undefined ? {} : { method }),
    ...(path === undefined ? {} : { path }),
    ...(host === undefined ? {} : { host }),
    headers,
  };
}
