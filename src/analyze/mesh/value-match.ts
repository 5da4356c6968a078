/**
 * Istio value matching (istio.io/latest/docs/concepts/security/#value-matching): exact "abc", prefix "abc*",
 * suffix "*abc", and presence "*" (any non-empty value). An absent value matches no pattern.
 */
export function patternMatches(pattern: string, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  if (p === "*") return v !== "";
  if (p.endsWith("*")) return v.startsWith(p.slice(0, -1));
  if (p.startsWith("*")) return v.endsWith(p.slice(1));
  return v === p;
}

/** Paths also take templates (Istio 1.22+): `{*}` is one segment, `{**}` one or more (only as a last segment). */
export function pathMatches(pattern: string, path: string | undefined): boolean {
  if (path === undefined) return false;
  if (!/\{\*\*?\}/.test(pattern)) return patternMatches(pattern, path);
  const re = pattern
    .split(/(\{\*\*?\})/)
    .map((part) =>
      part === "{**}" ? "[^?#]+" : part === "{*}" ? "[^/?#]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${re}$`).test(path);
}

/** A principal pattern, with or without "spiffe://" (Istio matches principals with the spiffe:// prefix added). */
export function principalMatches(pattern: string, principal: string | undefined): boolean {
  const strip = (s: string) => (s.startsWith("spiffe://") ? s.slice("spiffe://".length) : s);
  return patternMatches(strip(pattern), principal === undefined ? undefined : strip(principal));
}

/**
 * source.namespace / namespaces: Istio matches the namespace inside the peer's principal with the regex
 * `.*\/ns/<value with * as .*>/.*` (pilot/pkg/security/authz/model/generator.go, srcNamespaceGenerator).
 */
export function namespaceMatches(pattern: string, namespace: string | undefined): boolean {
  if (namespace === undefined) return false;
  const re = pattern
    .split("*")
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${re}$`).test(namespace);
}
