import { describe, expect, it } from "vitest";
import { modelOf } from "../../test/support/cluster-fixture.js";
import { makeCert } from "../../test/support/make-certs.js";
import type { InputProblem } from "../errors/input-error.js";
import { certManagerProblems, inspectCertificates } from "./inspect.js";

const NOW = new Date("2026-03-01T00:00:00Z");
const file = (name: string) => ({ kind: "PEM", name, file: name, line: 1 });

async function inspect(pems: { pem: string; name: string }[], now = NOW) {
  const problems: InputProblem[] = [];
  const reports = await inspectCertificates(
    pems.map((p) => ({ pem: p.pem, source: file(p.name), origin: "file" as const })),
    { now, warn: [60, 30, 7, 1] },
    problems,
  );
  return { reports, problems };
}

const codes = (r: { problems: readonly { code: string }[] } | undefined) => r?.problems.map((p) => p.code) ?? [];

describe("certificates", () => {
  it("reports subject, SANs, issuer, days left and the threshold crossed", async () => {
    const ca = await makeCert({
      subject: "CN=Test CA",
      ca: true,
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2030-01-01T00:00:00Z",
    });
    const leaf = await makeCert({
      subject: "CN=api.example.com",
      dns: ["api.example.com"],
      issuer: ca,
      notBefore: "2026-01-01T00:00:00Z",
      notAfter: "2026-03-21T00:00:00Z",
    });
    const { reports } = await inspect([{ pem: leaf.pem + ca.pem, name: "chain.pem" }]);
    const r = reports[0];
    expect(r).toMatchObject({ subject: "CN=api.example.com", issuer: "CN=Test CA", daysLeft: 20, threshold: 30 });
    expect(r?.sans).toEqual(["DNS:api.example.com"]);
    expect(codes(r)).toEqual([]);
    expect(reports[1]?.threshold).toBeUndefined(); // the CA has years left
    expect(reports[1]?.source.line).toBeGreaterThan(1); // its own BEGIN line in the file
  });

  it("flags an expired certificate and one under a day", async () => {
    const old = await makeCert({
      subject: "CN=old",
      dns: ["old"],
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2026-02-01T00:00:00Z",
    });
    const soon = await makeCert({
      subject: "CN=soon",
      dns: ["soon"],
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2026-03-01T12:00:00Z",
    });
    const { reports } = await inspect([
      { pem: old.pem, name: "old.pem" },
      { pem: soon.pem, name: "soon.pem" },
    ]);
    expect(reports[0]?.daysLeft).toBe(-28);
    expect(codes(reports[0])).toContain("expired");
    expect(reports[1]).toMatchObject({ daysLeft: 0, threshold: 1 });
    expect(codes(reports[1])).not.toContain("expired");
  });

  it("flags weak RSA keys and SHA-1 signatures, not RSA 2048 with SHA-256", async () => {
    const weak = await makeCert({
      subject: "CN=weak",
      dns: ["weak"],
      key: "rsa1024",
      hash: "SHA-1",
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2027-01-01T00:00:00Z",
    });
    const good = await makeCert({
      subject: "CN=good",
      dns: ["good"],
      key: "rsa2048",
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2027-01-01T00:00:00Z",
    });
    const { reports } = await inspect([
      { pem: weak.pem, name: "weak.pem" },
      { pem: good.pem, name: "good.pem" },
    ]);
    expect(codes(reports[0])).toEqual(expect.arrayContaining(["weak-key", "weak-signature"]));
    expect(reports[0]?.key).toBe("RSA 1024");
    expect(codes(reports[1])).toEqual([]);
  });

  it("flags a served certificate with CA:TRUE or without SAN", async () => {
    const ca = await makeCert({
      subject: "CN=CA",
      ca: true,
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2030-01-01T00:00:00Z",
    });
    const caLeaf = await makeCert({
      subject: "CN=leaf",
      dns: ["leaf"],
      ca: true,
      issuer: ca,
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2027-01-01T00:00:00Z",
    });
    const noSan = await makeCert({
      subject: "CN=nosan",
      issuer: ca,
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2027-01-01T00:00:00Z",
    });
    const { reports } = await inspect([
      { pem: caLeaf.pem + ca.pem, name: "a.pem" },
      { pem: noSan.pem + ca.pem, name: "b.pem" },
    ]);
    expect(codes(reports[0])).toEqual(["leaf-ca"]);
    expect(codes(reports[1])).toEqual([]); // the CA of the chain: not served
    expect(codes(reports[2])).toEqual(["missing-san"]);
  });

  it("reports chain problems: issuer missing, signature not verifying, expired intermediate", async () => {
    const ca = await makeCert({
      subject: "CN=Root",
      ca: true,
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2030-01-01T00:00:00Z",
    });
    const impostor = await makeCert({
      subject: "CN=Root",
      ca: true,
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2030-01-01T00:00:00Z",
    });
    const inter = await makeCert({
      subject: "CN=Inter",
      ca: true,
      issuer: ca,
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2026-02-01T00:00:00Z",
    });
    const leaf = await makeCert({
      subject: "CN=svc",
      dns: ["svc"],
      issuer: inter,
      notBefore: "2025-06-01T00:00:00Z",
      notAfter: "2027-01-01T00:00:00Z",
    });
    const orphan = await makeCert({
      subject: "CN=orphan",
      dns: ["orphan"],
      issuer: ca,
      notBefore: "2025-06-01T00:00:00Z",
      notAfter: "2027-01-01T00:00:00Z",
    });
    const forged = await makeCert({
      subject: "CN=forged",
      dns: ["forged"],
      issuer: impostor,
      notBefore: "2025-06-01T00:00:00Z",
      notAfter: "2027-01-01T00:00:00Z",
    });
    const chain = await inspect([{ pem: leaf.pem + inter.pem + ca.pem, name: "chain.pem" }]);
    expect(codes(chain.reports[0])).toEqual([]);
    expect(codes(chain.reports[1])).toEqual(["expired"]);
    expect(chain.reports[1]?.problems[0]?.message).toContain("intermediate");
    const lone = await inspect([{ pem: orphan.pem, name: "orphan.pem" }]);
    expect(codes(lone.reports[0])).toEqual(["issuer-not-found"]);
    const bad = await inspect([{ pem: forged.pem + ca.pem, name: "forged.pem" }]);
    expect(codes(bad.reports[0])).toEqual(["bad-signature"]);
  });

  it("a file without a certificate is bad input naming the file", async () => {
    const { problems } = await inspect([{ pem: "not a certificate", name: "junk.pem" }]);
    expect(problems).toMatchObject([{ code: "no-certificate", file: "junk.pem" }]);
    const broken = await inspect([
      { pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", name: "broken.pem" },
    ]);
    expect(broken.problems[0]?.code).toBe("invalid-certificate");
  });
});

const certificate = (spec: string) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: shop
spec:
${spec}`;
const ISSUER = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory`;
const STAGING = ISSUER.replace("name: letsencrypt", "name: letsencrypt-staging").replace(
  "acme-v02",
  "acme-staging-v02",
);
const ref = (name: string) => `  secretName: web-tls\n  issuerRef:\n    name: ${name}\n    kind: ClusterIssuer`;

describe("cert-manager", () => {
  const problems = (...docs: string[]) => {
    const m = modelOf(...docs);
    return certManagerProblems(m.tls, (ns) => m.namespaces.get(ns)?.labels).map((p) => p.code);
  };

  it("accepts a Certificate with its issuer and the defaults", () => {
    expect(problems(ISSUER, certificate(ref("letsencrypt")))).toEqual([]);
  });

  it("reports a missing issuerRef and an issuer not in the input", () => {
    expect(problems(certificate("  secretName: web-tls"))).toEqual(["no-issuer-ref"]);
    expect(problems(certificate(ref("letsencrypt")))).toEqual(["issuer-not-found"]);
  });

  it("reports renewBefore under 30 days, and renewBefore not shorter than duration", () => {
    expect(problems(ISSUER, certificate(`${ref("letsencrypt")}\n  renewBefore: 360h`))).toEqual(["renew-before-short"]);
    expect(problems(ISSUER, certificate(`${ref("letsencrypt")}\n  renewBefore: 720h`))).toEqual([]);
    expect(problems(ISSUER, certificate(`${ref("letsencrypt")}\n  duration: 720h\n  renewBefore: 720h0m0s`))).toEqual([
      "renew-before-duration",
    ]);
    // The 90-day default duration counts when duration is not set.
    expect(problems(ISSUER, certificate(`${ref("letsencrypt")}\n  renewBefore: 2200h`))).toEqual([
      "renew-before-duration",
    ]);
  });

  it("reports the ACME staging server only in production", () => {
    const prodNs = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    environment: production`;
    expect(problems(STAGING, certificate(ref("letsencrypt-staging")))).toEqual([]);
    expect(problems(prodNs, STAGING, certificate(ref("letsencrypt-staging")))).toEqual(["acme-staging"]);
    expect(problems(prodNs, ISSUER, certificate(ref("letsencrypt")))).toEqual([]);
  });
});
