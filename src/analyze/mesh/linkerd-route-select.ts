import type { HttpRouteMatch, LinkerdRoute } from "../../model/mesh.js";
import type { Request } from "../request.js";

/*
 * Which HTTPRoute rule a Linkerd inbound proxy applies to a request. Exactly one rule is selected; only its route's
 * authorizations (plus the Server's) decide the request.
 *
 * Upstream (linkerd2-proxy linkerd/http/route/src/lib.rs `find`, http/match.rs `RequestMatch` Ord, match/path.rs
 * `PathMatch` Ord; linkerd2 policy-controller/grpc/src/inbound/http.rs `to_route_list`):
 * - A match is summarised as (path, method, headers, query params), compared in that order: the number of characters
 *   the path match covers (Exact: its value; PathPrefix: the prefix without trailing "/"; "/" counts 1;
 *   RegularExpression: the whole request path; no path: 1, as a prefix "/"), then whether it names the method, then its
 *   number of header matches (then query params, which Ward does not load). The proxy compares path lengths only, so an
 *   Exact and a PathPrefix of the same length tie (Gateway API would prefer Exact; the proxy is what enforces).
 * - A rule scores its best match; a rule without matches scores as prefix "/". A route scores its best rule.
 * - The highest score wins; ties go to the first route in the control plane's order, then the first rule:
 *   routes with a creationTimestamp before those without, older first, then by reference (name; all routes of a
 *   Server share its namespace).
 * Ward reads creationTimestamp from metadata when present (exported manifests); when it is absent on both routes
 * they tie and fall to name order, as upstream; a route with one sorts before a route without, as upstream.
 */

export type RouteScore = { readonly path: number; readonly method: boolean; readonly headers: number };

/** A complete request: every attribute a route may test is set (a header absent is undefined). */
export type ConcreteRequest = {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
};

export type Selected = {
  readonly route: LinkerdRoute;
  readonly rule: number;
  readonly score: RouteScore;
  /** Other routes with a matching rule, each with its best score, and why it lost. */
  readonly losers: readonly { readonly route: LinkerdRoute; readonly score: RouteScore; readonly why: string }[];
};

const DEFAULT_SCORE: RouteScore = { path: 1, method: false, headers: 0 };

export function compareScores(a: RouteScore, b: RouteScore): number {
  if (a.path !== b.path) return a.path - b.path;
  if (a.method !== b.method) return a.method ? 1 : -1;
  return a.headers - b.headers;
}

/** The control plane's route order: creationTimestamp (present first, oldest first), then name. */
export function routeOrder(routes: readonly LinkerdRoute[]): LinkerdRoute[] {
  const ts = (r: LinkerdRoute) => (r.creationTimestamp === undefined ? undefined : Date.parse(r.creationTimestamp));
  return [...routes].sort((a, b) => {
    const ta = ts(a);
    const tb = ts(b);
    if (ta !== undefined && tb !== undefined && ta !== tb) return ta - tb;
    if (ta !== undefined && tb === undefined) return -1;
    if (ta === undefined && tb !== undefined) return 1;
    const ka = `${a.namespace}/${a.name}`;
    const kb = `${b.namespace}/${b.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

function fullMatch(re: string, v: string): boolean {
  return new RegExp(`^(?:${re})$`).test(v);
}

/** The score of one match for a complete request; undefined when it does not match. */
export function scoreMatch(m: HttpRouteMatch, r: ConcreteRequest): RouteScore | undefined {
  if (m.method !== undefined && m.method !== r.method) return undefined;
  const path = r.path.replace(/[?#].*$/, "");
  let len = 1;
  if (m.path !== undefined) {
    const { type, value } = m.path;
    if (type === "Exact") {
      if (path !== value) return undefined;
      len = value.length;
    } else if (type === "RegularExpression") {
      if (!fullMatch(value, path)) return undefined;
      len = path.length;
    } else {
      // Gateway API PathPrefix: element-wise ("/foo" matches "/foo" and "/foo/bar", not "/foobar").
      const prefix = value.replace(/\/+$/, "");
      if (!(prefix === "" || path === prefix || path.startsWith(`${prefix}/`))) return undefined;
      len = prefix === "" ? 1 : prefix.length;
    }
  }
  for (const h of m.headers) {
    const v = r.headers[h.name];
    if (v === undefined) return undefined;
    if (h.type === "Exact" ? v !== h.value : !fullMatch(h.value, v)) return undefined;
  }
  return { path: len, method: m.method !== undefined, headers: m.headers.length };
}

/** A route's best rule for the request (the first of equal ones), or undefined when none matches. */
function bestRule(route: LinkerdRoute, r: ConcreteRequest): { rule: number; score: RouteScore } | undefined {
  let best: { rule: number; score: RouteScore } | undefined;
  route.rules.forEach((rule, i) => {
    let score: RouteScore | undefined = rule.matches.length === 0 ? DEFAULT_SCORE : undefined;
    for (const m of rule.matches) {
      const s = scoreMatch(m, r);
      if (s !== undefined && (score === undefined || compareScores(s, score) > 0)) score = s;
    }
    if (score !== undefined && (best === undefined || compareScores(score, best.score) > 0)) best = { rule: i, score };
  });
  return best;
}

export function describeScore(s: RouteScore): string {
  const parts = [`path match of ${s.path} character${s.path === 1 ? "" : "s"}`];
  if (s.method) parts.push("a method match");
  if (s.headers > 0) parts.push(`${s.headers} header match${s.headers === 1 ? "" : "es"}`);
  return parts.join(", ");
}

function lostBecause(w: { route: LinkerdRoute; score: RouteScore }, l: { route: LinkerdRoute; score: RouteScore }) {
  if (w.score.path !== l.score.path) return `its path match is shorter (${l.score.path} < ${w.score.path} characters)`;
  if (w.score.method !== l.score.method) return "it names no method and the selected route does";
  if (w.score.headers !== l.score.headers)
    return `it has fewer header matches (${l.score.headers} < ${w.score.headers})`;
  const wt = w.route.creationTimestamp;
  const lt = l.route.creationTimestamp;
  if (wt !== undefined && lt !== undefined && Date.parse(wt) !== Date.parse(lt))
    return `equal precedence, and it was created later (${lt} > ${wt})`;
  if (wt !== undefined && lt === undefined)
    return "equal precedence, and it has no creationTimestamp (routes with one go first)";
  return `equal precedence, same age${wt === undefined ? " (no creationTimestamp)" : ""}: name order (${w.route.namespace}/${w.route.name} < ${l.route.namespace}/${l.route.name})`;
}

/** The one route rule the proxy applies to this request (routes in any order); undefined when none matches. */
export function selectRoute(routes: readonly LinkerdRoute[], r: ConcreteRequest): Selected | undefined {
  const matching: { route: LinkerdRoute; rule: number; score: RouteScore }[] = [];
  for (const route of routeOrder(routes)) {
    const b = bestRule(route, r);
    if (b !== undefined) matching.push({ route, ...b });
  }
  let win = matching[0];
  if (win === undefined) return undefined;
  for (const m of matching) if (compareScores(m.score, win.score) > 0) win = m;
  const w = win;
  return {
    ...w,
    losers: matching.filter((m) => m !== w).map((m) => ({ route: m.route, score: m.score, why: lostBecause(w, m) })),
  };
}

/** A string none of the given literals contains. */
function freshToken(literals: readonly string[]): string {
  return ["w4rd", "x9q", "_ward_", "\u2400"].find((t) => literals.every((l) => !l.includes(t))) ?? "\u2400\u2401";
}

/** A string a (simple) regular expression fully matches, built from it; undefined when Ward cannot build one. */
function sampleRegex(re: string, fresh: string): string | undefined {
  const s = re
    .replace(/^\^/, "")
    .replace(/\$$/, "")
    .replace(/\.[*+]/g, fresh)
    .replace(/\\d[*+]?/g, "1")
    .replace(/\\(.)/g, "$1");
  try {
    return fullMatch(re, s) ? s : undefined;
  } catch {
    return undefined;
  }
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/**
 * The complete requests worth trying for a request with open attributes: for each open attribute, every literal a
 * route match names, a value built from each regular expression, a value no match names (and, for headers, absent).
 * Selection depends only on which matches a request satisfies, so these cover every selectable rule. `unsampled`
 * names the regular expressions Ward could not build a value for: a rule only they match may be missed.
 */
export function completions(
  routes: readonly LinkerdRoute[],
  r: Request,
): { requests: ConcreteRequest[]; unsampled: string[] } {
  const matches = routes.flatMap((x) => x.rules.flatMap((rule) => rule.matches));
  const literals = matches.flatMap((m) => [...(m.path ? [m.path.value] : []), ...m.headers.map((h) => h.value)]);
  const fresh = freshToken(literals);
  const unsampled: string[] = [];
  const sample = (re: string) => {
    const s = sampleRegex(re, fresh);
    if (s === undefined) unsampled.push(re);
    return s === undefined ? [] : [s];
  };
  const named = [...new Set(matches.flatMap((m) => (m.method === undefined ? [] : [m.method])))];
  const methods =
    r.method !== undefined ? [r.method] : [...named, METHODS.find((x) => !named.includes(x)) ?? `X-${fresh}`];
  const paths =
    r.path !== undefined
      ? [r.path]
      : [
          ...new Set([
            "/",
            `/${fresh}`,
            ...matches.flatMap((m) => {
              if (m.path === undefined) return [];
              if (m.path.type === "Exact") return [m.path.value];
              if (m.path.type === "RegularExpression") return sample(m.path.value);
              const p = m.path.value.replace(/\/+$/, "");
              return [p === "" ? "/" : p, `${p}/${fresh}`];
            }),
          ]),
        ];
  const headerNames = [...new Set(matches.flatMap((m) => m.headers.map((h) => h.name)))];
  let headerSets: Record<string, string | undefined>[] = [{ ...r.headers }];
  for (const name of headerNames) {
    if (r.headers[name] !== undefined) continue;
    const values = [
      ...new Set<string | undefined>([
        undefined,
        fresh,
        ...matches.flatMap((m) =>
          m.headers.filter((h) => h.name === name).flatMap((h) => (h.type === "Exact" ? [h.value] : sample(h.value))),
        ),
      ]),
    ];
    headerSets = headerSets.flatMap((hs) => values.map((v) => ({ ...hs, [name]: v })));
  }
  const requests: ConcreteRequest[] = [];
  for (const method of methods)
    for (const path of paths) for (const headers of headerSets) requests.push({ method, path, headers });
  return { requests, unsampled: [...new Set(unsampled)] };
}
