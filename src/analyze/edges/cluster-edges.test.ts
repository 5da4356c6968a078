import { describe, expect, it } from "vitest";
import { modelOf, namespace, pod, policy } from "../../../test/support/cluster-fixture.js";
import { UsageError } from "../../errors/input-error.js";
import { reach } from "../reach/reach.js";
import { clusterEdges } from "./cluster-edges.js";

const ports = (list: [string, number][]) =>
  `      ports:\n${list.map(([n, p]) => `        - name: ${n}\n          containerPort: ${p}`).join("\n")}`;

const service = (name: string, spec: string, ns = "shop") => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${spec
  .split("\n")
  .map((l) => `  ${l}`)
  .join("\n")}`;

const estate = [
  namespace("shop"),
  namespace("ingress-nginx"),
  namespace("gw"),
  pod("shop", "web", { app: "web" }, ports([["http", 8080]])),
  pod("shop", "web-old", { app: "web" }, ports([["http", 9090]])),
  pod("shop", "api", { app: "api" }, ports([["grpc", 7000]])),
  pod("ingress-nginx", "controller", { "app.kubernetes.io/name": "ingress-nginx" }),
  pod("gw", "public-gw", { "gateway.networking.k8s.io/gateway-name": "public" }),
  service(
    "web-lb",
    "type: LoadBalancer\nexternalTrafficPolicy: Local\nselector:\n  app: web\nports:\n  - port: 443\n    targetPort: http",
  ),
  service("api", "selector:\n  app: api\nports:\n  - name: grpc\n    port: 80\n    targetPort: grpc"),
  // Web: open to the internet except 10.0.0.0/8; api: only from the ingress controller's namespace.
  policy(
    "shop",
    "web",
    "podSelector:\n  matchLabels:\n    app: web\ningress:\n  - from:\n      - ipBlock:\n          cidr: 0.0.0.0/0\n          except: [10.0.0.0/8]",
  ),
  policy(
    "shop",
    "api",
    "podSelector:\n  matchLabels:\n    app: api\ningress:\n  - from:\n      - namespaceSelector:\n          matchLabels:\n            kubernetes.io/metadata.name: ingress-nginx",
  ),
  `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  namespace: shop
spec:
  ingressClassName: nginx
  tls:
    - hosts: [api.example.com]
  rules:
    - host: api.example.com
      http:
        paths:
          - path: /v1
            pathType: Prefix
            backend:
              service:
                name: api
                port:
                  name: grpc`,
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: public
  namespace: gw
spec:
  gatewayClassName: istio
  listeners:
    - name: http
      port: 80
      protocol: HTTP
      allowedRoutes:
        namespaces:
          from: All`,
  `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: api
  namespace: shop
spec:
  parentRefs:
    - name: public
      namespace: gw
  rules:
    - backendRefs:
        - name: api
          port: 80`,
];

describe("clusterEdges", () => {
  const edges = clusterEdges(modelOf(...estate));

  it("a LoadBalancer Service reaches each backend on its own named target port, checked from 0.0.0.0/0", () => {
    const lb = edges.find((e) => e.kind === "LoadBalancer");
    expect(lb?.listen).toBe("LoadBalancer :443/TCP");
    expect(lb?.from).toBe("0.0.0.0/0");
    expect(lb?.backends.map((b) => [b.pod, b.port, b.allowed])).toEqual([
      ["shop/web", 8080, "partly"],
      ["shop/web-old", 9090, "partly"],
    ]);
    expect(lb?.notes.join(" ")).toContain("externalTrafficPolicy Local");
  });

  it("an Ingress route is judged from the ingress controller pods", () => {
    const ing = edges.find((e) => e.kind === "Ingress");
    expect(ing?.listen).toBe("Ingress api.example.com/v1 (TLS)");
    expect(ing?.from).toBe("ingress-nginx/controller");
    expect(ing?.backends.map((b) => [b.pod, b.port, b.allowed])).toEqual([["shop/api", 7000, "yes"]]);
  });

  it("a Gateway listener reaches the backends of the HTTPRoutes attached to it, from the gateway pods", () => {
    const gw = edges.find((e) => e.kind === "Gateway");
    expect(gw?.from).toBe("gw/public-gw");
    expect(gw?.backends.map((b) => [b.pod, b.port, b.allowed])).toEqual([["shop/api", 7000, "no"]]);
    expect(gw?.backends[0]?.verdict.layers[0]?.decidedBy[0]?.name).toBe("api");
  });

  it("a ClusterIP Service is not an edge", () => {
    expect(edges.filter((e) => e.service?.name === "api" && e.kind !== "Ingress")).toEqual([]);
  });

  it("externalTrafficPolicy Cluster says the client is SNATed to a node IP", () => {
    const m = modelOf(
      ...estate.slice(0, 4),
      service(
        "web-np",
        "type: NodePort\nselector:\n  app: web\nports:\n  - port: 80\n    targetPort: 8080\n    nodePort: 30080",
      ),
    );
    const np = clusterEdges(m).find((e) => e.kind === "NodePort");
    expect(np?.listen).toBe("NodePort :30080/TCP");
    expect(np?.notes.join(" ")).toContain("SNATed to a node IP");
    expect(np?.backends.map((b) => b.allowed)).toEqual(["yes"]);
  });
});

describe("reach --to svc/<namespace>/<name>", () => {
  const m = modelOf(...estate);

  it("resolves the Service port to each backend's target port", () => {
    const r = reach(m, { from: "ingress-nginx/controller", to: "svc/shop/api", port: 80, protocol: "TCP" });
    expect(r.allowed).toBe(true);
    expect(r.to).toBe("svc/shop/api:80");
    const other = reach(m, { from: "shop/web", to: "svc/shop/api", port: 80, protocol: "TCP" });
    expect(other.allowed).toBe(false);
  });

  it("a named targetPort resolves per pod", () => {
    const r = reach(m, { from: "10.1.2.3", to: "svc/shop/web-lb", port: 443, protocol: "TCP" });
    expect(r.allowed).toBe(false);
    const ok = reach(m, { from: "8.8.8.8", to: "svc/shop/web-lb", port: 443, protocol: "TCP" });
    expect(ok.allowed).toBe(true);
    expect(ok.pairs.map((p) => p.to).sort()).toEqual(["shop/web", "shop/web-old"]);
  });

  it("an unknown Service or port is a usage error", () => {
    expect(() => reach(m, { from: "shop/web", to: "svc/shop/nope", port: 80, protocol: "TCP" })).toThrow(UsageError);
    expect(() => reach(m, { from: "shop/web", to: "svc/shop/api", port: 81, protocol: "TCP" })).toThrow(/no port/);
  });
});
