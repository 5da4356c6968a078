import { certManagerProblems, inspectCertificates, RULE } from "../../../certs/inspect.js";
import type { AuditContext } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

/** Every certificate problem of the input (TLS Secrets, cert-manager objects), computed once per audit. */
const cache = new WeakMap<AuditContext, Promise<Finding[]>>();

function problems(ctx: AuditContext): Promise<Finding[]> {
  let p = cache.get(ctx);
  if (p === undefined) {
    p = (async () => {
      const tls = ctx.model.tls;
      const pems = (tls?.secrets ?? []).map((s) => ({ pem: s.pem, source: s.source, origin: "secret" as const }));
      // Unparseable PEM in a Secret is reported by `ward certs` as bad input; the audit skips it.
      const reports = await inspectCertificates(pems, { now: new Date(), warn: [] }, []);
      const list = [
        ...reports.flatMap((r) => r.problems),
        ...certManagerProblems(tls, (ns) => ctx.model.namespaces.get(ns)?.labels),
      ];
      return list.map((x) => ({ rule: x.rule, severity: x.severity, subject: x.subject, message: x.message }));
    })();
    cache.set(ctx, p);
  }
  return p;
}

function certRule(
  id: string,
  severity: AuditRule["severity"],
  title: string,
  rationale: string,
  fix: string,
  equivalents: AuditRule["equivalents"] = {},
): AuditRule {
  return {
    id,
    layer: "certificates",
    severity,
    title,
    rationale,
    fix,
    equivalents,
    check: async (ctx) => (await problems(ctx)).filter((f) => f.rule === id),
  };
}

export const CERT_RULES: readonly AuditRule[] = [
  certRule(
    RULE.renewBeforeShort,
    "low",
    "cert-manager renewBefore shorter than 30 days",
    "Renewal that starts less than 30 days before expiry leaves little time to notice and repair a failing issuer (rate limits, DNS, solver) before the certificate expires.",
    "Leave renewBefore unset (cert-manager renews at 2/3 of the lifetime) or set it to at least 720h.",
  ),
  certRule(
    RULE.issuerMissing,
    "high",
    "cert-manager Certificate without an issuer",
    "A Certificate whose issuerRef is missing or names an Issuer/ClusterIssuer that does not exist is never issued or renewed.",
    "Set spec.issuerRef (name, kind Issuer or ClusterIssuer) to an issuer defined with the Certificate (an Issuer must be in the Certificate's namespace).",
  ),
  certRule(
    RULE.acmeStaging,
    "high",
    "ACME staging server used in production",
    "Let's Encrypt's staging server issues certificates from an untrusted root: every production client rejects them.",
    "Point the production issuer at https://acme-v02.api.letsencrypt.org/directory (keep staging for tests).",
  ),
  certRule(
    RULE.renewConflict,
    "high",
    "cert-manager duration / renewBefore conflict",
    "A renewBefore not shorter than the duration (90 days by default) is rejected by cert-manager or renews on every sync.",
    "Make renewBefore shorter than duration (e.g. duration 2160h, renewBefore 720h), both as Go durations.",
  ),
  certRule(
    RULE.weakKey,
    "high",
    "Weak certificate key",
    "RSA keys under 2048 bits and EC keys under 256 bits can be factored or broken within reach of attackers.",
    "Reissue with RSA 2048+ or ECDSA P-256+ (cert-manager: spec.privateKey.algorithm/size).",
  ),
  certRule(
    RULE.sha1,
    "high",
    "SHA-1 (or MD5) certificate signature",
    "SHA-1 collisions are practical (SHAttered, 2017): a signature over SHA-1 does not bind the certificate's content.",
    "Reissue the certificate signed with SHA-256 or stronger.",
  ),
  certRule(
    RULE.leafCa,
    "medium",
    "Served certificate with CA:TRUE",
    "A server certificate marked as a CA lets anyone holding its private key (every server it is deployed to) mint trusted certificates for any name.",
    "Reissue the server certificate with basicConstraints CA:FALSE (cert-manager: isCA: false).",
  ),
  certRule(
    RULE.missingSan,
    "medium",
    "Served certificate without subjectAltName",
    "Clients match host names against subjectAltName only (RFC 6125; browsers since 2017): a certificate with just a CN is rejected.",
    "Reissue with the host names as DNS SANs (cert-manager: spec.dnsNames).",
  ),
  certRule(
    RULE.expired,
    "high",
    "Expired (or not yet valid) certificate",
    "An expired certificate (or an expired intermediate) fails every TLS handshake.",
    "Renew it; check why automatic renewal did not (cert-manager Certificate status, issuer).",
  ),
  certRule(
    RULE.chain,
    "medium",
    "Certificate chain problem",
    "A served certificate whose issuer is missing from the chain, or whose signature does not verify with its issuer's key, fails validation in clients that do not fetch intermediates.",
    "Serve the full chain (leaf then intermediates, as cert-manager writes tls.crt) and check that it was signed by that issuer.",
  ),
];
