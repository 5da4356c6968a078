import { describe, expect, it } from "vitest";
import { modelOf } from "../../../../test/support/cluster-fixture.js";
import { type CertSpec, makeCert } from "../../../../test/support/make-certs.js";
import { runAudit } from "../run-audit.js";

const secret = (name: string, pem: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: shop
type: kubernetes.io/tls
data:
  tls.crt: ${Buffer.from(pem).toString("base64")}
  tls.key: ""`;

const base: CertSpec = {
  subject: "CN=svc",
  dns: ["svc.example.com"],
  notBefore: "2025-01-01T00:00:00Z",
  notAfter: "2099-01-01T00:00:00Z",
};

async function ids(...docs: string[]) {
  return (await runAudit(modelOf(...docs))).findings.filter((f) => f.rule.startsWith("WARD-CERT")).map((f) => f.rule);
}

describe("certificate rules in ward audit (TLS Secrets)", () => {
  it("a sound chain (leaf + CA) has no finding", async () => {
    const ca = await makeCert({ ...base, subject: "CN=CA", ca: true, dns: undefined });
    const leaf = await makeCert({ ...base, issuer: ca });
    expect(await ids(secret("ok", leaf.pem + ca.pem))).toEqual([]);
  });

  it.each([
    ["WARD-CERT-005", { key: "rsa1024" } as Partial<CertSpec>],
    ["WARD-CERT-006", { key: "rsa2048", hash: "SHA-1" } as Partial<CertSpec>],
    ["WARD-CERT-007", { ca: true } as Partial<CertSpec>],
    ["WARD-CERT-008", { dns: undefined } as Partial<CertSpec>],
    ["WARD-CERT-009", { notAfter: "2020-01-01T00:00:00Z", notBefore: "2019-01-01T00:00:00Z" } as Partial<CertSpec>],
  ])("%s: reported on the Secret's certificate", async (rule, change) => {
    const ca = await makeCert({ ...base, subject: "CN=CA", ca: true, dns: undefined });
    const leaf = await makeCert({ ...base, ...change, issuer: ca } as CertSpec);
    const found = await ids(secret("bad", leaf.pem + ca.pem));
    expect(found).toContain(rule);
  });

  it("WARD-CERT-010: the served certificate's issuer is missing from tls.crt", async () => {
    const ca = await makeCert({ ...base, subject: "CN=CA", ca: true, dns: undefined });
    const leaf = await makeCert({ ...base, issuer: ca });
    expect(await ids(secret("lone", leaf.pem))).toEqual(["WARD-CERT-010"]);
  });

  it("WARD-CERT-001..004 come from cert-manager objects", async () => {
    const cert = (spec: string) =>
      `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: prod\nspec:\n  secretName: web\n${spec}`;
    const issuer = (server: string) =>
      `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: le\nspec:\n  acme:\n    server: ${server}`;
    const ref = "  issuerRef:\n    name: le\n    kind: ClusterIssuer";
    const prod = "https://acme-v02.api.letsencrypt.org/directory";
    expect(await ids(issuer(prod), cert(ref))).toEqual([]);
    expect(await ids(issuer(prod), cert(`${ref}\n  renewBefore: 100h`))).toEqual(["WARD-CERT-001"]);
    expect(await ids(cert(ref))).toEqual(["WARD-CERT-002"]);
    expect(await ids(issuer("https://acme-staging-v02.api.letsencrypt.org/directory"), cert(ref))).toEqual([
      "WARD-CERT-003",
    ]);
    expect(await ids(issuer(prod), cert(`${ref}\n  duration: 24h\n  renewBefore: 48h`))).toEqual(["WARD-CERT-004"]);
  });
});
