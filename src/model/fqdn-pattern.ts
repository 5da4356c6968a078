/**
 * Cilium's DNS name patterns (toFQDNs / rules.dns matchName and matchPattern), exactly as
 * pkg/fqdn/matchpattern/matchpattern.go (ToAnchoredRegexp) reads them:
 * - a pattern of only `*` (optionally with a trailing dot) matches every name;
 * - a leading run of two or more `*` followed by `.` (`**.example.com`) matches one or more whole labels;
 * - any other run of `*` matches zero or more DNS characters [-a-z0-9_] within one label;
 * - matching is case-insensitive and a trailing dot (the FQDN form) is ignored on both sides.
 * A matchName is a literal (it cannot hold `*`: pkg/policy/api/fqdn.go), so the same reading applies.
 */

/** One step of a pattern: a literal character, `*` within a label, or the leading `**.` (one or more labels). */
export type FqdnToken =
  | { readonly kind: "char"; readonly char: string }
  | { readonly kind: "star" }
  | { readonly kind: "labels" };

export type FqdnPattern = { readonly all: true } | { readonly all: false; readonly tokens: readonly FqdnToken[] };

const DNS_CHAR = /^[-a-z0-9_]$/;

export function isDnsChar(c: string): boolean {
  return DNS_CHAR.test(c);
}

export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

export function parseFqdnPattern(pattern: string): FqdnPattern {
  const p = pattern.trim().toLowerCase();
  // matchpattern.go isDNSWildcard: "*", "**", "*.", "**." … match every name.
  if (/^\*+\.?$/.test(p)) return { all: true };
  const body = p.replace(/\.$/, "");
  const tokens: FqdnToken[] = [];
  let i = 0;
  const lead = /^\*{2,}\./.exec(body);
  if (lead) {
    tokens.push({ kind: "labels" });
    i = lead[0].length;
  }
  for (; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "*") tokens.push({ kind: "char", char: c });
    else if (tokens[tokens.length - 1]?.kind !== "star") tokens.push({ kind: "star" });
  }
  return { all: false, tokens };
}

const regexCache = new Map<string, RegExp>();

function toRegExp(pattern: string): RegExp {
  const parsed = parseFqdnPattern(pattern);
  if (parsed.all) return /^[-a-z0-9_]+(\.[-a-z0-9_]+)*$/;
  const body = parsed.tokens
    .map((t) =>
      t.kind === "labels"
        ? "[-a-z0-9_]+(?:\\.[-a-z0-9_]+)*\\."
        : t.kind === "star"
          ? "[-a-z0-9_]*"
          : t.char.replace(/[.+?^${}()|[\]\\*]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${body}$`);
}

/** Does a DNS name match a Cilium matchName / matchPattern? */
export function fqdnPatternMatches(pattern: string, name: string): boolean {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    re = toRegExp(pattern);
    regexCache.set(pattern, re);
  }
  return re.test(normalizeName(name));
}
