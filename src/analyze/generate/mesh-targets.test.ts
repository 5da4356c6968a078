import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { parseIntent } from "../../intent/load-intent.js";
import { buildModel } from "../../load/index.js";
import { generateFromIntent } from "./from-intent.js";

const read = (path: string) => ({ file: path, text: readFileSync(path, "utf8") });
const model = () => buildModel([read("examples/payments/workloads.yaml"), read("examples/payments/namespaces.yaml")]);
const L7 = parseIntent(
  "l7.yaml",
  `namespaces: [payments]
workloads:
  frontend: { namespace: payments, selector: { app: frontend } }
  backend: { namespace: payments, selector: { app: backend } }
paths:
  - from: frontend
    to: backend
    ports: [http]
    http: { methods: [GET], paths: ["/api/*"] }
  - from: backend
    to: { fqdn: api.stripe.com }
    ports: [443]
  - from: backend
    to: { fqdn: "*.s3.amazonaws.com" }
    ports: [443]
`,
);

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, walked freely in assertions
type Doc = Record<string, any>;
const docs = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Doc);

describe("generate --target istio", () => {
  it("writes security.istio.io/v1 AuthorizationPolicies: allow-nothing per namespace, ALLOW with principals", async () => {
    const out = await generateFromIntent(
      parseIntent("ward.yaml", readFileSync("examples/payments/ward.yaml", "utf8")),
      model(),
      "istio",
    );
    const policies = docs(out.yaml);
    expect(policies.every((p) => p.apiVersion === "security.istio.io/v1" && p.kind === "AuthorizationPolicy")).toBe(
      true,
    );
    expect(
      policies.filter((p) => p.metadata.name === "allow-nothing").map((p) => [p.metadata.namespace, p.spec]),
    ).toEqual([
      ["monitoring", {}],
      ["payments", {}],
    ]);
    const backend = policies.find((p) => p.metadata.name === "backend-from-frontend");
    expect(backend?.spec).toEqual({
      selector: { matchLabels: { app: "backend", tier: "backend" } },
      action: "ALLOW",
      rules: [
        {
          from: [{ source: { principals: ["cluster.local/ns/payments/sa/frontend"] } }],
          to: [{ operation: { ports: ["80"] } }],
        },
      ],
    });
    // Named port "metrics" resolves to the container's number: Istio has no port names.
    const scrape = policies.find(
      (p) => p.metadata.name === "database-from-metrics-scrape" || p.metadata.name === "database-from-prometheus",
    );
    expect(scrape?.spec.rules[0].to[0].operation.ports).toEqual(["9090"]);
    expect(out.warnings.some((w) => w.includes("203.0.113.0/24 is not an AuthorizationPolicy matter"))).toBe(true);
  });

  it("carries HTTP methods and paths into the operation", async () => {
    const out = await generateFromIntent(L7, model(), "istio");
    const p = docs(out.yaml).find((d) => d.metadata.name === "backend-from-frontend");
    expect(p?.spec.rules[0].to).toEqual([{ operation: { ports: ["80"], methods: ["GET"], paths: ["/api/*"] } }]);
  });
});

describe("generate --target cilium", () => {
  it("writes cilium.io/v2 policies with toFQDNs and the DNS proxy rule FQDN policy needs", async () => {
    const out = await generateFromIntent(L7, model(), "cilium");
    const policies = docs(out.yaml);
    expect(policies.every((p) => p.apiVersion === "cilium.io/v2" && p.kind === "CiliumNetworkPolicy")).toBe(true);
    const base = policies.find((p) => p.metadata.name === "default-deny");
    expect(base?.spec.egress[0]).toEqual({
      toEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": "kube-system", "k8s-app": "kube-dns" } }],
      toPorts: [
        {
          ports: [
            { port: "53", protocol: "UDP" },
            { port: "53", protocol: "TCP" },
          ],
          rules: { dns: [{ matchPattern: "*" }] },
        },
      ],
    });
    const fqdn = policies.flatMap((p) => (p.spec.egress ?? []).flatMap((r: Doc) => r.toFQDNs ?? []));
    expect(fqdn).toEqual([{ matchName: "api.stripe.com" }, { matchPattern: "**.s3.amazonaws.com" }]);
    const ingress = policies.find((p) => p.metadata.name === "backend-from-frontend");
    expect(ingress?.spec.ingress[0]).toEqual({
      fromEndpoints: [{ matchLabels: { app: "frontend", tier: "frontend" } }],
      toPorts: [{ ports: [{ port: "80", protocol: "TCP" }], rules: { http: [{ method: "GET", path: "/api/.*" }] } }],
    });
  });
});
