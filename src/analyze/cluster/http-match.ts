import type { HttpMatch } from "../../model/policy.js";

/** An HTTP request, for L7 rules. Header names are compared case-insensitively. */
export type HttpRequest = {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
};

// Cilium PortRuleHTTP: Method and Path are extended POSIX regular expressions matched against the whole value;
// Headers entries are "Name" (must be present) or "Name: value" (must equal). An unset request field never matches
// a rule that constrains it.
function full(re: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  try {
    return new RegExp(`^(?:${re})$`).test(value);
  } catch {
    return re === value;
  }
}

export function httpMatches(rule: HttpMatch, request: HttpRequest): boolean {
  if (rule.method !== undefined && !full(rule.method, request.method)) return false;
  if (rule.path !== undefined && !full(rule.path, request.path)) return false;
  const headers = new Map(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  for (const h of rule.headers ?? []) {
    const colon = h.indexOf(":");
    const name = (colon < 0 ? h : h.slice(0, colon)).trim().toLowerCase();
    if (!headers.has(name)) return false;
    if (colon >= 0 && headers.get(name) !== h.slice(colon + 1).trim()) return false;
  }
  return true;
}
