import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCert } from "./support/make-certs.js";
import { ward } from "./support/run-cli.js";

// Certificates are generated here, at fixed dates, with fresh keys: no key material is committed.
let dir = "";
afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ward-certs-"));
  const ca = await makeCert({
    subject: "CN=Shop CA",
    ca: true,
    notBefore: "2025-01-01T00:00:00Z",
    notAfter: "2035-01-01T00:00:00Z",
  });
  const good = await makeCert({
    subject: "CN=shop.example.com",
    dns: ["shop.example.com"],
    issuer: ca,
    notBefore: "2026-01-01T00:00:00Z",
    notAfter: "2026-12-31T00:00:00Z",
  });
  const soon = await makeCert({
    subject: "CN=api.example.com",
    dns: ["api.example.com"],
    issuer: ca,
    notBefore: "2026-01-01T00:00:00Z",
    notAfter: "2026-03-21T00:00:00Z",
  });
  const weak = await makeCert({
    subject: "CN=legacy",
    key: "rsa1024",
    hash: "SHA-1",
    notBefore: "2025-01-01T00:00:00Z",
    notAfter: "2027-01-01T00:00:00Z",
  });
  writeFileSync(join(dir, "shop.crt"), good.pem + ca.pem);
  writeFileSync(join(dir, "legacy.pem"), weak.pem);
  writeFileSync(
    join(dir, "secret.yaml"),
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-tls\n  namespace: shop\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${Buffer.from(soon.pem + ca.pem).toString("base64")}\n  tls.key: ""\n`,
  );
});

describe("ward certs", () => {
  it("reports each certificate: subject, SANs, issuer, not-after, days left, threshold", () => {
    const r = ward([
      "certs",
      join(dir, "shop.crt"),
      join(dir, "secret.yaml"),
      "--now",
      "2026-03-01T00:00:00Z",
      "--format",
      "json",
    ]);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as {
      certificates: {
        subject: string;
        daysLeft: number;
        threshold?: number;
        sans: string[];
        source: { kind: string };
      }[];
    };
    const shop = out.certificates.find((c) => c.subject === "CN=shop.example.com");
    expect(shop).toMatchObject({ daysLeft: 305, sans: ["DNS:shop.example.com"] });
    expect(shop?.threshold).toBeUndefined();
    const api = out.certificates.find((c) => c.subject === "CN=api.example.com");
    expect(api).toMatchObject({ daysLeft: 20, threshold: 30, source: { kind: "Secret" } });
    // 20 days left is above the last threshold (1 day) and nothing is high: exit 0.
    expect(r.code).toBe(0);
  });

  it("exits 1 once a certificate crosses the smallest threshold; --warn changes the thresholds", () => {
    const late = ward(["certs", join(dir, "secret.yaml"), "--now", "2026-03-20T12:00:00Z"]);
    expect(late.stdout).toContain("under the 1-day threshold");
    expect(late.code).toBe(1);
    const custom = ward(["certs", join(dir, "secret.yaml"), "--now", "2026-03-01T00:00:00Z", "--warn", "90,21"]);
    expect(custom.stdout).toContain("under the 21-day threshold");
    expect(custom.code).toBe(1);
  });

  it("reads PEM files in a directory and flags weak keys and SHA-1 (exit 1)", () => {
    const r = ward(["certs", dir, "--now", "2026-03-01T00:00:00Z"]);
    expect(r.stdout).toContain("weak-key");
    expect(r.stdout).toContain("weak-signature");
    expect(r.stdout).toContain("legacy.pem:1");
    expect(r.code).toBe(1);
  });

  it("checks cert-manager objects: staging ACME in production, short renewBefore, missing issuer", () => {
    const r = ward(["certs", "test/fixtures/certs", "--now", "2026-03-01T00:00:00Z"]);
    expect(r.stdout).toContain("acme-staging");
    expect(r.stdout).toContain("renew-before-short");
    expect(r.stdout).toContain("issuer-not-found");
    expect(r.stdout).toContain("test/fixtures/certs/cert-manager.yaml:");
    expect(r.code).toBe(1);
  });

  it("bad input exits 2 naming the file; a bad --now exits 2", () => {
    // Outside the certificate directory the other tests read, and removed right after.
    const junkFile = `${dir}-junk.pem`;
    writeFileSync(junkFile, "hello\n");
    const junk = ward(["certs", junkFile]);
    rmSync(junkFile, { force: true });
    expect(junk.code).toBe(2);
    expect(junk.stderr).toContain(`${junkFile}:1`);
    expect(ward(["certs", dir, "--now", "yesterday"]).code).toBe(2);
    expect(ward(["certs", dir, "--warn", "a,b"]).code).toBe(2);
  });
});
