import { describe, expect, it } from "vitest";
import { modelOf, namespace, pod, policy } from "../../../../test/support/cluster-fixture.js";
import type { Model } from "../../../model/model.js";
import { runAudit } from "../run-audit.js";
import { parseImage, wildcardMatch } from "./image-reference.js";

async function audit(model: Model, id: string) {
  return (await runAudit(model, { rules: [id] })).findings;
}

const workload = (image: string, ns = "shop") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
        - name: main
          image: ${image}`;

const kyverno = (refs: string[], action?: string, kind = "ClusterPolicy") => `apiVersion: kyverno.io/v1
kind: ${kind}
metadata:
  name: verify
  namespace: shop
spec:
${action ? `  validationFailureAction: ${action}\n` : ""}  rules:
    - name: verify-signature
      match:
        any:
          - resources:
              kinds:
                - Pod
      verifyImages:
        - imageReferences:
${refs.map((r) => `            - "${r}"`).join("\n")}
          attestors: []`;

describe("image references (Kyverno's form)", () => {
  it("adds docker.io to bare names and latest to untagged ones", () => {
    expect(parseImage("nginx")).toEqual({ registry: "docker.io", path: "nginx", tag: "latest" });
    expect(parseImage("ghcr.io/org/app:1.2")).toEqual({ registry: "ghcr.io", path: "org/app", tag: "1.2" });
    expect(parseImage("localhost:5000/app@sha256:ab")).toEqual({
      registry: "localhost:5000",
      path: "app",
      digest: "sha256:ab",
    });
    expect(parseImage("org/app:v1")).toEqual({ registry: "docker.io", path: "org/app", tag: "v1" });
  });
  it("matches * and ? wildcards", () => {
    expect(wildcardMatch("ghcr.io/company/*", "ghcr.io/company/pay/svc:1")).toBe(true);
    expect(wildcardMatch("ghcr.io/company/app:v?", "ghcr.io/company/app:v1")).toBe(true);
    expect(wildcardMatch("ghcr.io/company/app:v?", "ghcr.io/company/app:v10")).toBe(false);
    expect(wildcardMatch("ghcr.io/company.*", "ghcr.io/companyX/app:1")).toBe(false);
  });
});

describe("WARD-SUPPLY-001 images no verifyImages rule covers", () => {
  it("reports an image outside every imageReferences pattern", async () => {
    const f = await audit(
      modelOf(kyverno(["ghcr.io/company/*"], "Enforce"), workload("docker.io/library/redis:7")),
      "WARD-SUPPLY-001",
    );
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain("redis");
  });
  it("is quiet when a pattern covers the image", async () => {
    expect(
      await audit(
        modelOf(kyverno(["ghcr.io/company/*"], "Enforce"), workload("ghcr.io/company/pay:1")),
        "WARD-SUPPLY-001",
      ),
    ).toEqual([]);
    // A bare name is docker.io/<name> for Kyverno.
    expect(
      await audit(modelOf(kyverno(["docker.io/nginx:*"], "Enforce"), workload("nginx:1.27")), "WARD-SUPPLY-001"),
    ).toEqual([]);
  });
  it("a namespaced Policy covers only its namespace", async () => {
    const p = kyverno(["ghcr.io/company/*"], "Enforce", "Policy");
    expect(await audit(modelOf(p, workload("ghcr.io/company/pay:1", "shop")), "WARD-SUPPLY-001")).toEqual([]);
    expect(await audit(modelOf(p, workload("ghcr.io/company/pay:1", "other")), "WARD-SUPPLY-001")).toHaveLength(1);
  });
});

describe("WARD-SUPPLY-002 verification in Audit mode", () => {
  it("reports Audit, explicit or by Kyverno's default", async () => {
    const explicit = await audit(modelOf(kyverno(["ghcr.io/*"], "Audit")), "WARD-SUPPLY-002");
    expect(explicit[0]?.message).toContain("is set to Audit");
    const defaulted = await audit(modelOf(kyverno(["ghcr.io/*"])), "WARD-SUPPLY-002");
    expect(defaulted[0]?.message).toContain("defaults to Audit");
  });
  it("is quiet for Enforce (either case)", async () => {
    expect(await audit(modelOf(kyverno(["ghcr.io/*"], "Enforce")), "WARD-SUPPLY-002")).toEqual([]);
    expect(await audit(modelOf(kyverno(["ghcr.io/*"], "enforce")), "WARD-SUPPLY-002")).toEqual([]);
  });
});

describe("WARD-SUPPLY-003 image by tag", () => {
  it("reports a tag, not a digest", async () => {
    expect(await audit(modelOf(workload("ghcr.io/a/b:1.0")), "WARD-SUPPLY-003")).toHaveLength(1);
    expect(await audit(modelOf(workload(`ghcr.io/a/b@sha256:${"a".repeat(64)}`)), "WARD-SUPPLY-003")).toEqual([]);
  });
});

const ingress = (tls: boolean) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
${tls ? "  tls:\n    - hosts: [shop.example.com]\n      secretName: web-tls\n" : ""}  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80`;

describe("WARD-EDGE-001 Ingress / Gateway without TLS", () => {
  it("reports an Ingress with no tls, not one covering its host", async () => {
    expect((await audit(modelOf(ingress(false)), "WARD-EDGE-001"))[0]?.message).toContain("shop.example.com");
    expect(await audit(modelOf(ingress(true)), "WARD-EDGE-001")).toEqual([]);
  });
  it("reports a Gateway API Gateway with only an HTTP listener", async () => {
    const gw = (protocol: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: shop
spec:
  gatewayClassName: x
  listeners:
    - name: l
      protocol: ${protocol}
      port: 443
      hostname: shop.example.com`;
    expect(await audit(modelOf(gw("HTTP")), "WARD-EDGE-001")).toHaveLength(1);
    expect(await audit(modelOf(gw("HTTPS")), "WARD-EDGE-001")).toEqual([]);
  });
});

describe("WARD-EDGE-002 TLS below 1.2", () => {
  const istio = (v: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: shop
spec:
  servers:
    - port: {number: 443, name: https, protocol: HTTPS}
      hosts: ["*"]
      tls:
        mode: SIMPLE
        minProtocolVersion: ${v}`;
  it("reports an Istio Gateway accepting TLS 1.0, not one at 1.2", async () => {
    const f = await audit(modelOf(istio("TLSV1_0")), "WARD-EDGE-002");
    expect(f[0]?.message).toContain("TLS 1.0");
    expect(await audit(modelOf(istio("TLSV1_2")), "WARD-EDGE-002")).toEqual([]);
  });
  it("reports ingress-nginx ssl-protocols with TLSv1.1", async () => {
    const cm = (p: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress-nginx-controller\n  namespace: ingress-nginx\ndata:\n  ssl-protocols: "${p}"`;
    expect(await audit(modelOf(cm("TLSv1.1 TLSv1.2")), "WARD-EDGE-002")).toHaveLength(1);
    expect(await audit(modelOf(cm("TLSv1.2 TLSv1.3")), "WARD-EDGE-002")).toEqual([]);
  });
});

describe("WARD-EDGE-003 ingress controller reach", () => {
  const controller = pod("ingress-nginx", "controller", { "app.kubernetes.io/name": "ingress-nginx" });
  const web = pod("shop", "web", { app: "web" }, "      ports:\n        - name: http\n          containerPort: 80");
  const db = pod("shop", "db", { app: "db" }, "      ports:\n        - containerPort: 5432");
  const svc = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80`;
  it("reports a workload outside the ingress tier the controller reaches, with proof", async () => {
    const f = await audit(modelOf(controller, web, db, svc, ingress(true)), "WARD-EDGE-003");
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain("shop/db");
    expect(f[0]?.message).not.toContain("shop/web ");
    expect(f[0]?.evidence?.[0]).toMatchObject({ to: "shop/db", port: 5432, allowed: true });
  });
  it("is quiet when policy keeps the controller to the ingress tier", async () => {
    const dbIn = policy("shop", "db-in", "podSelector:\n  matchLabels:\n    app: db\npolicyTypes: [Ingress]");
    expect(
      await audit(modelOf(namespace("ingress-nginx"), controller, web, db, svc, ingress(true), dbIn), "WARD-EDGE-003"),
    ).toEqual([]);
  });
});
