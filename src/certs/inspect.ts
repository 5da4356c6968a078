import type { InputProblem } from "../errors/input-error.js";
import type { SourceRef } from "../model/source-ref.js";
import type { ManagedCertificate, TlsInputs } from "../model/tls.js";
import { DAY_MS, formatDays, parseGoDuration } from "./go-duration.js";
import { isCa, keyInfo, type ParsedCert, parsePem, sans, signatureHash, signedBy } from "./x509.js";

export type ProblemSeverity = "high" | "medium" | "low";

/** A problem with a certificate or a cert-manager object; `rule` is its audit rule id (docs/rules.md). */
export type CertProblem = {
  readonly rule: string;
  readonly code: string;
  readonly severity: ProblemSeverity;
  readonly message: string;
  readonly subject: SourceRef;
};

export type CertReport = {
  readonly source: SourceRef;
  readonly subject: string;
  readonly sans: readonly string[];
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** Whole days from --now to not-after (negative: expired). */
  readonly daysLeft: number;
  /** The smallest --warn threshold (days) that daysLeft is at or below; undefined when none is crossed. */
  readonly threshold?: number;
  readonly key: string;
  readonly signature: string;
  readonly ca: boolean;
  readonly problems: readonly CertProblem[];
};

export const RULE = {
  expired: "WARD-CERT-009",
  renewBeforeShort: "WARD-CERT-001",
  issuerMissing: "WARD-CERT-002",
  acmeStaging: "WARD-CERT-003",
  renewConflict: "WARD-CERT-004",
  weakKey: "WARD-CERT-005",
  sha1: "WARD-CERT-006",
  leafCa: "WARD-CERT-007",
  missingSan: "WARD-CERT-008",
  chain: "WARD-CERT-010",
} as const;

/** The served certificate of a bundle: the first of a Secret's tls.crt, or of a PEM file with a chain or not self-issued. */
function isLeaf(p: ParsedCert, all: readonly ParsedCert[]): boolean {
  if (p.index !== 0) return false;
  if (p.origin === "secret") return true;
  const issuesOthers = all.some(
    (o) => o !== p && o.cert.issuer === p.cert.subject && o.cert.subject !== p.cert.subject,
  );
  return !issuesOthers && (p.bundleSize > 1 || p.cert.subject !== p.cert.issuer);
}

/** Static problems of one certificate (no clock): weak key, SHA-1/MD5, CA leaf, missing SAN. */
function staticProblems(p: ParsedCert, leaf: boolean): CertProblem[] {
  const out: CertProblem[] = [];
  const c = p.cert;
  const key = keyInfo(c);
  // NIST SP 800-57 / CA/B Forum Baseline Requirements 6.1.5: RSA ≥ 2048 bits, ECDSA ≥ P-256.
  if ((key.algorithm === "RSA" && (key.bits ?? 0) < 2048) || (key.algorithm.startsWith("EC") && (key.bits ?? 0) < 256))
    out.push({
      rule: RULE.weakKey,
      code: "weak-key",
      severity: "high",
      subject: p.source,
      message: `weak key: ${key.algorithm} ${key.bits ?? "?"} bits (minimum RSA 2048, EC 256)`,
    });
  const hash = signatureHash(c);
  if (/^(SHA-1|MD5|MD2)$/i.test(hash))
    out.push({
      rule: RULE.sha1,
      code: "weak-signature",
      severity: "high",
      subject: p.source,
      message: `signed with ${hash} (collisions are practical; use SHA-256 or stronger)`,
    });
  if (leaf && isCa(c))
    out.push({
      rule: RULE.leafCa,
      code: "leaf-ca",
      severity: "medium",
      subject: p.source,
      message: "served certificate has basicConstraints CA:TRUE: whoever holds its key can issue certificates",
    });
  // RFC 6125 / CA/B BR 7.1.4.2.1: clients match names against subjectAltName only; the CN is ignored.
  if (leaf && sans(c) === undefined)
    out.push({
      rule: RULE.missingSan,
      code: "missing-san",
      severity: "medium",
      subject: p.source,
      message: "served certificate has no subjectAltName: clients ignore the CN and reject it",
    });
  return out;
}

export type InspectOptions = { readonly now: Date; readonly warn: readonly number[] };

/** Reads every certificate (PEM files and TLS Secrets) and reports each, with chain problems across the input. */
export async function inspectCertificates(
  pems: readonly { pem: string; source: SourceRef; origin: ParsedCert["origin"] }[],
  opts: InspectOptions,
  problems: InputProblem[],
): Promise<CertReport[]> {
  const all = pems.flatMap((p) => parsePem(p.pem, p.source, p.origin, problems));
  const thresholds = [...opts.warn].sort((a, b) => a - b);
  const reports: CertReport[] = [];
  for (const p of all) {
    const c = p.cert;
    const leaf = isLeaf(p, all);
    const list = staticProblems(p, leaf);
    const daysLeft = Math.floor((c.notAfter.getTime() - opts.now.getTime()) / DAY_MS);
    const threshold = thresholds.find((t) => daysLeft <= t);
    if (c.notAfter.getTime() <= opts.now.getTime())
      list.push({
        rule: RULE.expired,
        code: "expired",
        severity: "high",
        subject: p.source,
        message: `expired on ${c.notAfter.toISOString()}${isCa(c) && !leaf ? " (an intermediate or CA: every certificate it issued fails)" : ""}`,
      });
    else if (c.notBefore.getTime() > opts.now.getTime())
      list.push({
        rule: RULE.expired,
        code: "not-yet-valid",
        severity: "medium",
        subject: p.source,
        message: `not valid before ${c.notBefore.toISOString()}`,
      });
    // Chain: a certificate not self-issued needs its issuer; found by subject name, it must verify the signature.
    if (c.subject !== c.issuer) {
      const issuers = all.filter((o) => o !== p && o.cert.subject === c.issuer);
      if (issuers.length === 0) {
        if (leaf)
          list.push({
            rule: RULE.chain,
            code: "issuer-not-found",
            severity: "medium",
            subject: p.source,
            message: `issuer "${c.issuer}" is not in the input: the chain cannot be checked (serve the intermediate with the certificate)`,
          });
      } else {
        let ok = false;
        for (const i of issuers) if (await signedBy(c, i.cert)) ok = true;
        if (!ok)
          list.push({
            rule: RULE.chain,
            code: "bad-signature",
            severity: "high",
            subject: p.source,
            message: `signature does not verify with the key of its issuer "${c.issuer}" (${issuers.map((i) => `${i.source.file}:${i.source.line}`).join(", ")})`,
          });
      }
    } else if (!(await signedBy(c, c))) {
      list.push({
        rule: RULE.chain,
        code: "bad-signature",
        severity: "high",
        subject: p.source,
        message: "self-signed certificate whose signature does not verify with its own key",
      });
    }
    const key = keyInfo(c);
    reports.push({
      source: p.source,
      subject: c.subject,
      sans: sans(c) ?? [],
      issuer: c.issuer,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      daysLeft,
      ...(threshold === undefined ? {} : { threshold }),
      key: `${key.algorithm} ${key.bits ?? "?"}`,
      signature: signatureHash(c),
      ca: isCa(c),
      problems: list,
    });
  }
  return reports;
}

/** Static certificate problems only (no clock), for `ward audit` on TLS Secrets. */
export function staticCertificateProblems(tls: TlsInputs | undefined): CertProblem[] {
  const problems: InputProblem[] = [];
  const all = (tls?.secrets ?? []).flatMap((s) => parsePem(s.pem, s.source, "secret", problems));
  return all.flatMap((p) => staticProblems(p, isLeaf(p, all)));
}

const MIN_RENEW_BEFORE = 30 * DAY_MS;
// cert-manager Certificate API: duration defaults to 90 days (2160h); renewBefore defaults to 1/3 of the duration.
const DEFAULT_DURATION = 90 * DAY_MS;
const STAGING = /acme-staging|staging/i;
const PROD = /(^|[-_.])prod(uction)?($|[-_.])/i;

function production(labels: Readonly<Record<string, string>> | undefined, ...names: (string | undefined)[]): boolean {
  if (names.some((n) => n !== undefined && PROD.test(n))) return true;
  return Object.entries(labels ?? {}).some(
    ([k, v]) => /^(env|environment|tier|stage)$/i.test(k.split("/").at(-1) ?? k) && PROD.test(v),
  );
}

/**
 * cert-manager configuration problems: renewBefore under 30 days, renewBefore ≥ duration, an issuerRef missing
 * or naming an issuer that is not in the input, an ACME staging server used in production (a production hint in the
 * names or labels, or `production: true`).
 */
export function certManagerProblems(
  tls: TlsInputs | undefined,
  namespaceLabels: (ns: string) => Readonly<Record<string, string>> | undefined,
  opts: { production?: boolean } = {},
): CertProblem[] {
  const out: CertProblem[] = [];
  const issuers = tls?.issuers ?? [];
  for (const c of tls?.certificates ?? []) {
    out.push(...renewal(c));
    const ref = c.issuerRef;
    const ns = c.source.namespace ?? "default";
    if (ref === undefined) {
      out.push({
        rule: RULE.issuerMissing,
        code: "no-issuer-ref",
        severity: "high",
        subject: c.source,
        message: `Certificate ${ns}/${c.source.name} has no issuerRef: cert-manager cannot issue it`,
      });
      continue;
    }
    if (ref.group !== "cert-manager.io") continue; // an external issuer (its own CRD): not checked
    const issuer = issuers.find(
      (i) =>
        i.source.kind === ref.kind &&
        i.source.name === ref.name &&
        (ref.kind === "ClusterIssuer" || i.source.namespace === ns),
    );
    if (issuer === undefined) {
      out.push({
        rule: RULE.issuerMissing,
        code: "issuer-not-found",
        severity: "high",
        subject: { ...c.source, line: ref.line },
        message: `Certificate ${ns}/${c.source.name}: ${ref.kind} ${ref.kind === "Issuer" ? `${ns}/` : ""}${ref.name} is not in the input`,
      });
      continue;
    }
    const url = issuer.acmeServer?.url;
    if (url !== undefined && STAGING.test(url)) {
      const prod =
        opts.production === true ||
        production(namespaceLabels(ns), ns, c.source.name) ||
        production(issuer.labels, issuer.source.name, issuer.source.namespace);
      if (prod)
        out.push({
          rule: RULE.acmeStaging,
          code: "acme-staging",
          severity: "high",
          subject: { ...c.source, line: ref.line },
          message: `Certificate ${ns}/${c.source.name} is in production but ${issuer.source.kind} ${issuer.source.name} uses the ACME staging server ${url} (${issuer.source.file}:${issuer.acmeServer?.line}): browsers do not trust its certificates`,
        });
    }
  }
  return out;
}

function renewal(c: ManagedCertificate): CertProblem[] {
  const out: CertProblem[] = [];
  const name = `Certificate ${c.source.namespace}/${c.source.name}`;
  const duration = c.duration === undefined ? DEFAULT_DURATION : parseGoDuration(c.duration.text);
  const renew = c.renewBefore === undefined ? undefined : parseGoDuration(c.renewBefore.text);
  if (c.duration !== undefined && duration === undefined)
    out.push({
      rule: RULE.renewConflict,
      code: "invalid-duration",
      severity: "high",
      subject: { ...c.source, line: c.duration.line },
      message: `${name}: duration "${c.duration.text}" is not a Go duration (e.g. 2160h)`,
    });
  if (c.renewBefore !== undefined && renew === undefined)
    out.push({
      rule: RULE.renewConflict,
      code: "invalid-duration",
      severity: "high",
      subject: { ...c.source, line: c.renewBefore.line },
      message: `${name}: renewBefore "${c.renewBefore.text}" is not a Go duration (e.g. 720h)`,
    });
  if (duration === undefined || renew === undefined || c.renewBefore === undefined) return out;
  if (renew >= duration) {
    out.push({
      rule: RULE.renewConflict,
      code: "renew-before-duration",
      severity: "high",
      subject: { ...c.source, line: c.renewBefore.line },
      message: `${name}: renewBefore ${formatDays(renew)} is not shorter than duration ${formatDays(duration)}${c.duration === undefined ? " (the 90-day default)" : ""}: cert-manager rejects it (or renews continuously)`,
    });
  } else if (renew < MIN_RENEW_BEFORE) {
    out.push({
      rule: RULE.renewBeforeShort,
      code: "renew-before-short",
      severity: "low",
      subject: { ...c.source, line: c.renewBefore.line },
      message: `${name}: renewBefore ${formatDays(renew)} leaves under 30 days to notice and fix a failed renewal`,
    });
  }
  return out;
}
