import { describe, expect, it } from "vitest";
import { allowed, modelOf, namespace, pod, policy } from "../../../test/support/cluster-fixture.js";
import { InputError } from "../../errors/input-error.js";
import { podParty } from "../party.js";
import { reach } from "../reach/reach.js";
import { evaluateCluster } from "./evaluate-cluster.js";

const pods = [
  namespace("a", { env: "prod" }),
  namespace("b"),
  pod("a", "web", { app: "web" }),
  pod("b", "client", { app: "client" }),
];

const anp = (name: string, priority: number, ingress: string) => `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: ${name}
spec:
  priority: ${priority}
  subject:
    namespaces:
      matchLabels:
        env: prod
  ingress:
${ingress}`;

const rule = (action: string, port?: number) => `    - action: ${action}
      from:
        - namespaces: {}
${port === undefined ? "" : `      ports:\n        - portNumber:\n            port: ${port}\n`}`;

const banp = (action: string) => `apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata:
  name: default
spec:
  subject:
    namespaces: {}
  ingress:
${rule(action)}`;

const denyAll = policy("a", "deny-all", "podSelector: {}\npolicyTypes: [Ingress]");
const allowClient = policy("a", "allow-client", "podSelector: {}\ningress:\n  - from:\n      - namespaceSelector: {}");

describe("AdminNetworkPolicy tier", () => {
  it("an ANP Deny overrides a NetworkPolicy allow", () => {
    const m = modelOf(...pods, allowClient, anp("deny", 10, rule("Deny")));
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
  });

  it("an ANP Allow overrides NetworkPolicy isolation", () => {
    const m = modelOf(...pods, denyAll, anp("allow", 10, rule("Allow")));
    expect(allowed(m, "b/client", "a/web", 80)).toBe(true);
  });

  it("the lower priority number wins", () => {
    const m = modelOf(...pods, anp("allow-first", 1, rule("Allow")), anp("deny-later", 2, rule("Deny")));
    expect(allowed(m, "b/client", "a/web", 80)).toBe(true);
    const n = modelOf(...pods, anp("allow-later", 3, rule("Allow")), anp("deny-first", 2, rule("Deny")));
    expect(allowed(n, "b/client", "a/web", 80)).toBe(false);
  });

  it("within one ANP the first matching rule wins, by port", () => {
    const m = modelOf(...pods, anp("ordered", 5, rule("Allow", 80) + rule("Deny")));
    expect(allowed(m, "b/client", "a/web", 80)).toBe(true);
    expect(allowed(m, "b/client", "a/web", 81)).toBe(false);
  });

  it("Pass skips the other ANPs and lets NetworkPolicy decide", () => {
    const passThenAllow = [anp("pass", 1, rule("Pass")), anp("allow", 2, rule("Allow"))];
    expect(allowed(modelOf(...pods, ...passThenAllow, denyAll), "b/client", "a/web", 80)).toBe(false);
    expect(allowed(modelOf(...pods, ...passThenAllow), "b/client", "a/web", 80)).toBe(true);
  });

  it("BANP applies only when no NetworkPolicy isolates the pod; no match allows", () => {
    expect(allowed(modelOf(...pods, banp("Deny")), "b/client", "a/web", 80)).toBe(false);
    expect(allowed(modelOf(...pods, banp("Deny"), allowClient), "b/client", "a/web", 80)).toBe(true);
    expect(allowed(modelOf(...pods, banp("Allow"), denyAll), "b/client", "a/web", 80)).toBe(false);
    expect(allowed(modelOf(...pods, anp("pass", 1, rule("Pass")), banp("Deny")), "b/client", "a/web", 80)).toBe(false);
  });

  it("warns when two ANPs share a priority", () => {
    const m = modelOf(...pods, anp("first", 7, rule("Allow")), anp("second", 7, rule("Deny")));
    expect(m.warnings.map((w) => w.code)).toContain("anp-same-priority");
  });

  it("rejects a priority out of range and an unknown action with file:line", () => {
    const bad = (doc: string) => {
      try {
        modelOf(...pods, doc);
      } catch (e) {
        if (e instanceof InputError) return e.problems.map((p) => [p.code, p.line]);
      }
      return [];
    };
    expect(bad(anp("p", 1001, rule("Allow")))).toEqual([["invalid-priority", expect.any(Number)]]);
    expect(bad(anp("p", 1, rule("Drop")))).toEqual([["invalid-action", expect.any(Number)]]);
    expect(bad(banp("Pass"))).toEqual([["invalid-action", expect.any(Number)]]);
  });
});

const cnp = (name: string, body: string) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: ${name}
  namespace: a
spec:
${body}`;

describe("Cilium policies", () => {
  it("a policy with ingress rules isolates; enableDefaultDeny false does not", () => {
    const only = `  endpointSelector: {}\n  ingress:\n    - fromEndpoints:\n        - matchLabels:\n            app: nobody\n`;
    expect(allowed(modelOf(...pods, cnp("iso", only)), "b/client", "a/web", 80)).toBe(false);
    const optOut = `${only}  enableDefaultDeny:\n    ingress: false\n`;
    expect(allowed(modelOf(...pods, cnp("iso", optOut)), "b/client", "a/web", 80)).toBe(true);
  });

  it("endpoint selectors without a namespace key stay in the policy's namespace", () => {
    const sameNs = `  endpointSelector: {}\n  ingress:\n    - fromEndpoints:\n        - matchLabels:\n            app: client\n`;
    expect(allowed(modelOf(...pods, cnp("p", sameNs)), "b/client", "a/web", 80)).toBe(false);
    const otherNs = `  endpointSelector: {}\n  ingress:\n    - fromEndpoints:\n        - matchLabels:\n            k8s:io.kubernetes.pod.namespace: b\n            app: client\n`;
    expect(allowed(modelOf(...pods, cnp("p", otherNs)), "b/client", "a/web", 80)).toBe(true);
  });

  it("deny wins over allow, even over a NetworkPolicy allow", () => {
    const body = `  endpointSelector: {}\n  ingressDeny:\n    - fromEntities: [cluster]\n      toPorts:\n        - ports:\n            - port: "80"\n              protocol: TCP\n`;
    const m = modelOf(...pods, cnp("deny", body), allowClient);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
    expect(allowed(m, "b/client", "a/web", 81)).toBe(true);
  });

  it("entities: cluster matches pods, world matches addresses outside", () => {
    const body = `  endpointSelector: {}\n  ingress:\n    - fromEntities: [world]\n`;
    const m = modelOf(...pods, cnp("w", body));
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
    expect(reach(m, { from: "203.0.113.7", to: "a/web", port: 80, protocol: "TCP" }).allowed).toBe(true);
  });

  it("toFQDNs allows the name and its pattern, and needs a DNS proxy rule", () => {
    const fq = (dns: string) =>
      cnp(
        "fq",
        `  endpointSelector: {}\n  egress:\n    - toFQDNs:\n        - matchPattern: "*.stripe.com"\n      toPorts:\n        - ports:\n            - port: "443"\n              protocol: TCP\n${dns}`,
      );
    const dnsRule = `    - toEndpoints:\n        - {}\n      toPorts:\n        - ports:\n            - port: "53"\n              protocol: ANY\n          rules:\n            dns:\n              - matchPattern: "*"\n`;
    const q = (m: ReturnType<typeof modelOf>, to: string, port = 443) =>
      reach(m, { from: "a/web", to, port, protocol: "TCP" }).allowed;
    const good = modelOf(...pods, fq(dnsRule));
    expect(q(good, "api.stripe.com")).toBe(true);
    expect(q(good, "stripe.com")).toBe(false);
    expect(q(good, "a.b.stripe.com")).toBe(false);
    expect(q(good, "api.stripe.com", 80)).toBe(false);
    const noDns = modelOf(...pods, fq(""));
    expect(q(noDns, "api.stripe.com")).toBe(false);
    expect(
      JSON.stringify(reach(noDns, { from: "a/web", to: "api.stripe.com", port: 443, protocol: "TCP" }).verdict),
    ).toContain("DNS");
  });

  it("HTTP rules are decided when the request is given", () => {
    const body = `  endpointSelector: {}\n  ingress:\n    - toPorts:\n        - ports:\n            - port: "80"\n              protocol: TCP\n          rules:\n            http:\n              - method: GET\n                path: "/api/.*"\n`;
    const m = modelOf(...pods, cnp("l7", body));
    expect(allowed(m, "b/client", "a/web", 80)).toBe(true);
    const [web, client] = [m.pods.find((p) => p.name === "web"), m.pods.find((p) => p.name === "client")];
    if (!web || !client) throw new Error("pods");
    const conn = (method: string, path: string) =>
      evaluateCluster(m, {
        from: podParty(m, client),
        to: podParty(m, web),
        port: 80,
        protocol: "TCP",
        request: { method, path },
      }).allowed;
    expect(conn("GET", "/api/users")).toBe(true);
    expect(conn("POST", "/api/users")).toBe(false);
    expect(conn("GET", "/admin")).toBe(false);
  });

  it("rejects an unknown entity with file:line", () => {
    const body = `  endpointSelector: {}\n  ingress:\n    - fromEntities: [internet]\n`;
    expect(() => modelOf(...pods, cnp("bad", body))).toThrow(/test\.yaml:\d+: .*unknown entity "internet"/);
  });
});
