import type { z } from "zod";
import type { Diagnostics, Site } from "../diagnostics.js";
import { formatPath, type Path, type PathSegment } from "../positions.js";

type Issue = z.core.$ZodIssue;

/**
 * Parses one object with its schema. Unknown fields are warnings ("unknown-field", with a suggestion when a known
 * field is close): they are removed from the value (the loader's own copy of the input), which is parsed again.
 * Any other issue is a problem; then the result is undefined.
 */
export function parseObject<T extends z.ZodType>(
  schema: T,
  value: unknown,
  diag: Diagnostics,
  site: Site,
): z.output<T> | undefined {
  const first = schema.safeParse(value, { reportInput: true });
  if (first.success) return first.data;
  const unknown = first.error.issues.filter((i) => i.code === "unrecognized_keys");
  const other = first.error.issues.filter((i) => i.code !== "unrecognized_keys");
  for (const issue of unknown) {
    const path = issue.path as PathSegment[];
    const known = knownKeysAt(schema, path);
    for (const key of (issue as { keys: string[] }).keys) {
      const field = formatPath([...path, key]);
      const suggestion = suggest(key, known);
      const hint = suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
      diag.warn("unknown-field", `unknown field "${field}"${hint}: ignored`, site, [...path, key]);
    }
  }
  if (other.length > 0) {
    for (const issue of other) reportIssue(issue, diag, site);
    return undefined;
  }
  for (const issue of unknown) {
    const target = getAt(value, issue.path as PathSegment[]) as Record<string, unknown>;
    for (const key of (issue as { keys: string[] }).keys) delete target[key];
  }
  const second = schema.safeParse(value, { reportInput: true });
  if (second.success) return second.data;
  for (const issue of second.error.issues) reportIssue(issue, diag, site);
  return undefined;
}

function getAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const segment of path) v = (v as Record<PathSegment, unknown>)[segment];
  return v;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  string: "a string",
  number: "a number",
  boolean: "a boolean",
};

function reportIssue(issue: Issue, diag: Diagnostics, site: Site): void {
  const path = issue.path as PathSegment[];
  const field = formatPath(path);
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) {
      diag.error("missing-field", `required field "${String(path.at(-1) ?? field)}" is missing`, site, path);
      return;
    }
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    const input = issue.input;
    // YAML reads yes, true, 1.10 or 0755 unquoted as booleans and numbers.
    const hint =
      issue.expected === "string" && (typeof input === "number" || typeof input === "boolean")
        ? ` (quote it to make it a string)`
        : "";
    diag.error("invalid-type", `expected ${expected}, got ${describe(input)}${hint}`, site, path);
    return;
  }
  if (issue.code === "invalid_union") {
    diag.error("invalid-type", `${issue.message}, got ${describe(issue.input)}`, site, path);
    return;
  }
  diag.error("invalid-value", issue.message, site, path);
}

// ---- suggestions for misspelt fields -----------------------------------------------------------------------------

type Def = {
  type: string;
  innerType?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
};

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Unwraps optional/preprocess wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if ((def.type === "optional" || def.type === "nullable" || def.type === "default") && def.innerType)
      s = def.innerType;
    else if (def.type === "pipe" && def.out) s = def.out;
    else return s;
  }
}

/** The field names the schema knows for the object at `path`. */
function knownKeysAt(schema: z.ZodType, path: Path): string[] {
  let s = unwrap(schema);
  for (const segment of path) {
    const def = defOf(s);
    if (def.type === "array" && def.element && typeof segment === "number") s = unwrap(def.element);
    else if (def.type === "object" && def.shape && typeof segment === "string" && def.shape[segment])
      s = unwrap(def.shape[segment]);
    else return [];
  }
  const def = defOf(s);
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min(tmp + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}

// The same misspelling tends to repeat in every pod of a List: remember the answers.
const SUGGESTIONS = new Map<string, string | undefined>();

/** The known field the unknown one most likely means: same letters ignoring case, or at most 2 edits away. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const memo = `${key}\u0000${known.join(",")}`;
  if (SUGGESTIONS.has(memo)) return SUGGESTIONS.get(memo);
  const answer = closest(key, known);
  if (SUGGESTIONS.size >= 10_000) SUGGESTIONS.clear();
  SUGGESTIONS.set(memo, answer);
  return answer;
}

function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.ceil(key.length / 2)); // at most 2 edits, fewer for short names
  for (const k of known) {
    const d = distance(lower, k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}
