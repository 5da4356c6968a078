import { describe, expect, it } from "vitest";
import { allowed, modelOf, namespace, pod, policy } from "../../../test/support/cluster-fixture.js";
import { reach } from "../../analyze/reach/reach.js";
import { InputError } from "../../errors/input-error.js";

const base = [
  namespace("a", { env: "prod" }),
  namespace("b", { env: "dev" }),
  pod("a", "web", { app: "web", tier: "front" }, "      ports:\n        - name: http\n          containerPort: 8080"),
  pod("a", "db", { app: "db" }),
  pod("b", "client", { app: "client" }),
];

const indent = (text: string, n: number) =>
  text
    .split("\n")
    .map((l) => (l === "" ? l : `${" ".repeat(n)}${l}`))
    .join("\n");

const calico = (name: string, spec: string, ns = "a") => `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${indent(spec, 2)}`;

const gnp = (name: string, spec: string) => `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: ${name}
spec:
${indent(spec, 2)}`;

const tier = (name: string, order: number, defaultAction?: string) => `apiVersion: projectcalico.org/v3
kind: Tier
metadata:
  name: ${name}
spec:
  order: ${order}
${defaultAction === undefined ? "" : `  defaultAction: ${defaultAction}`}`;

function problems(...docs: string[]) {
  try {
    modelOf(...docs);
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  throw new Error("expected an InputError");
}

describe("Calico policy order and actions", () => {
  it("the first matching rule of the lowest-order policy decides (Deny at order 10 beats Allow at 20)", () => {
    const deny = calico("deny", "order: 10\nselector: app == 'web'\ningress:\n  - action: Deny");
    const allow = calico("allow", "order: 20\nselector: app == 'web'\ningress:\n  - action: Allow");
    expect(allowed(modelOf(...base, deny, allow), "b/client", "a/web", 80)).toBe(false);
    const deny2 = calico("deny", "order: 30\nselector: app == 'web'\ningress:\n  - action: Deny");
    expect(allowed(modelOf(...base, deny2, allow), "b/client", "a/web", 80)).toBe(true);
  });

  it("rules are taken in order inside a policy", () => {
    const p = calico(
      "p",
      "selector: app == 'web'\ningress:\n  - action: Allow\n    protocol: TCP\n    destination:\n      ports: [80]\n  - action: Deny",
    );
    const m = modelOf(...base, p);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(true);
    expect(allowed(m, "b/client", "a/web", 81)).toBe(false);
  });

  it("a policy without order comes after every ordered policy", () => {
    const unordered = calico("aaa", "selector: app == 'web'\ningress:\n  - action: Deny");
    const ordered = calico("zzz", "order: 5000\nselector: app == 'web'\ningress:\n  - action: Allow");
    expect(allowed(modelOf(...base, unordered, ordered), "b/client", "a/web", 80)).toBe(true);
  });

  it("Kubernetes NetworkPolicies sit in the default tier at order 1000", () => {
    const k8s = policy("a", "np", "podSelector: {}\ningress:\n  - {}");
    const before = calico("before", "order: 999\nselector: app == 'web'\ningress:\n  - action: Deny");
    const after = calico("after", "order: 1001\nselector: app == 'web'\ningress:\n  - action: Deny");
    expect(allowed(modelOf(...base, k8s, before), "b/client", "a/web", 80)).toBe(false);
    expect(allowed(modelOf(...base, k8s, after), "b/client", "a/web", 80)).toBe(true);
  });

  it("Log does not decide: the next rule does", () => {
    const p = calico("p", "selector: app == 'web'\ningress:\n  - action: Log\n  - action: Deny");
    expect(allowed(modelOf(...base, p), "b/client", "a/web", 80)).toBe(false);
    const q = calico("p", "selector: app == 'web'\ningress:\n  - action: Log\n  - action: Allow");
    expect(allowed(modelOf(...base, q), "b/client", "a/web", 80)).toBe(true);
  });

  it("a selected endpoint that no rule matches is denied at the end of the tier", () => {
    const p = calico(
      "p",
      "selector: app == 'web'\ningress:\n  - action: Allow\n    source:\n      selector: app == 'db'",
    );
    const m = modelOf(...base, p);
    expect(allowed(m, "a/db", "a/web", 80)).toBe(true);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
    expect(allowed(m, "b/client", "a/db", 80)).toBe(true);
  });
});

describe("Calico tiers", () => {
  const security = tier("security", 100);
  it("a tier's Deny is final: later tiers never see the connection", () => {
    const deny = calico("deny", "tier: security\nselector: app == 'web'\ningress:\n  - action: Deny");
    const allow = calico("allow", "order: 1\nselector: app == 'web'\ningress:\n  - action: Allow");
    expect(allowed(modelOf(...base, security, deny, allow), "b/client", "a/web", 80)).toBe(false);
  });

  it("Pass skips the rest of the tier and goes to the next tier", () => {
    const pass = calico(
      "pass",
      "tier: security\norder: 1\nselector: app == 'web'\ningress:\n  - action: Pass\n    source:\n      namespaceSelector: env == 'dev'",
    );
    const deny = calico("deny", "tier: security\norder: 2\nselector: app == 'web'\ningress:\n  - action: Deny");
    const allow = calico("allow", "selector: app == 'web'\ningress:\n  - action: Allow");
    const m = modelOf(...base, security, pass, deny, allow);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(true);
    expect(allowed(m, "a/db", "a/web", 80)).toBe(false);
  });

  it("end of tier: defaultAction Deny drops, defaultAction Pass goes on", () => {
    const p = calico(
      "p",
      "tier: security\nselector: app == 'web'\ningress:\n  - action: Allow\n    source:\n      selector: app == 'db'",
    );
    expect(allowed(modelOf(...base, tier("security", 100, "Deny"), p), "b/client", "a/web", 80)).toBe(false);
    expect(allowed(modelOf(...base, tier("security", 100, "Pass"), p), "b/client", "a/web", 80)).toBe(true);
  });

  it("tiers are taken by order, lower first", () => {
    const allow = calico("allow", "tier: first\nselector: app == 'web'\ningress:\n  - action: Allow");
    const deny = calico("deny", "tier: second\nselector: app == 'web'\ningress:\n  - action: Deny");
    expect(allowed(modelOf(...base, tier("first", 10), tier("second", 20), allow, deny), "b/client", "a/web", 80)).toBe(
      true,
    );
    expect(allowed(modelOf(...base, tier("first", 30), tier("second", 20), allow, deny), "b/client", "a/web", 80)).toBe(
      false,
    );
  });

  it("a policy naming a tier that is not in the input is an error with file:line", () => {
    const p = calico("p", "tier: nowhere\nselector: all()\ningress:\n  - action: Allow");
    const found = problems(...base, p);
    expect(found.map((x) => x.code)).toContain("undefined-tier");
    expect(found.find((x) => x.code === "undefined-tier")?.line).toBeGreaterThan(1);
  });
});

describe("Calico types", () => {
  it("types defaults to Ingress only when there are no egress rules", () => {
    const p = calico("p", "selector: app == 'client'", "b");
    const m = modelOf(...base, p);
    expect(allowed(m, "a/web", "b/client", 80)).toBe(false);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(true);
  });

  it("with only egress rules, types defaults to Egress (ingress stays open)", () => {
    const p = calico(
      "p",
      "selector: app == 'client'\negress:\n  - action: Allow\n    destination:\n      selector: app == 'nothing'",
      "b",
    );
    const m = modelOf(...base, p);
    expect(allowed(m, "a/web", "b/client", 80)).toBe(true);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
  });

  it("explicit types with no rules isolates that direction", () => {
    const p = calico("p", "selector: app == 'client'\ntypes: [Egress]", "b");
    expect(allowed(modelOf(...base, p), "b/client", "a/web", 80)).toBe(false);
  });
});

describe("Calico selectors", () => {
  it("selector expressions: &&, has(), in, !=", () => {
    const p = calico(
      "p",
      "selector: app == 'web'\ningress:\n  - action: Allow\n    source:\n      selector: has(app) && app in {'db', 'x'} && app != 'x'",
    );
    const m = modelOf(...base, p);
    expect(allowed(m, "a/db", "a/web", 80)).toBe(true);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
  });

  it("a namespaced policy's source selector only looks in its own namespace; namespaceSelector widens it", () => {
    const own = calico("p", "selector: app == 'web'\ningress:\n  - action: Allow\n    source:\n      selector: all()");
    expect(allowed(modelOf(...base, own), "b/client", "a/web", 80)).toBe(false);
    const wide = calico(
      "p",
      "selector: app == 'web'\ningress:\n  - action: Allow\n    source:\n      namespaceSelector: projectcalico.org/name == 'b'",
    );
    expect(allowed(modelOf(...base, wide), "b/client", "a/web", 80)).toBe(true);
  });

  it("notSelector excludes matching endpoints", () => {
    const p = calico(
      "p",
      "selector: app == 'web'\ningress:\n  - action: Allow\n    source:\n      namespaceSelector: all()\n      notSelector: app == 'client'",
    );
    const m = modelOf(...base, p);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
    expect(allowed(m, "a/db", "a/web", 80)).toBe(true);
  });

  it("a bad selector is an input error naming the line of the selector", () => {
    const p = calico("p", "selector: app == 'web' &&\ningress:\n  - action: Allow");
    const found = problems(...base, p);
    expect(found[0]?.code).toBe("invalid-selector");
    expect(found[0]?.path).toBe("spec.selector");
  });

  it("a GlobalNetworkPolicy selects pods in every namespace (or those namespaceSelector picks)", () => {
    const all = gnp("deny-all", "selector: all()\ningress:\n  - action: Deny");
    const m = modelOf(...base, all);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
    expect(allowed(m, "a/web", "b/client", 80)).toBe(false);
    const dev = gnp("deny-dev", "namespaceSelector: env == 'dev'\nselector: all()\ningress:\n  - action: Deny");
    const n = modelOf(...base, dev);
    expect(allowed(n, "b/client", "a/web", 80)).toBe(true);
    expect(allowed(n, "a/web", "b/client", 80)).toBe(false);
  });

  it("serviceAccountSelector and serviceAccounts match by ServiceAccount labels and names", () => {
    const sa = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: db-sa
  namespace: a
  labels:
    role: data`;
    const dbPod = pod("a", "db2", { app: "db2" }, "  serviceAccountName: db-sa");
    const p = calico(
      "p",
      "selector: app == 'web'\ningress:\n  - action: Allow\n    source:\n      serviceAccounts:\n        selector: role == 'data'",
    );
    const m = modelOf(...base, sa, dbPod, p);
    expect(allowed(m, "a/db2", "a/web", 80)).toBe(true);
    expect(allowed(m, "a/db", "a/web", 80)).toBe(false);
    const subject = calico("s", "serviceAccountSelector: role == 'data'\ningress:\n  - action: Deny");
    const n = modelOf(...base, sa, dbPod, subject);
    expect(allowed(n, "a/web", "a/db2", 80)).toBe(false);
    expect(allowed(n, "a/web", "a/db", 80)).toBe(true);
  });
});

describe("Calico nets, ports and protocols", () => {
  it("nets and notNets match external addresses", () => {
    const p = calico(
      "p",
      "selector: app == 'client'\ntypes: [Egress]\negress:\n  - action: Allow\n    destination:\n      nets: [203.0.113.0/24]\n      notNets: [203.0.113.128/25]",
      "b",
    );
    const m = modelOf(...base, p);
    expect(reach(m, { from: "b/client", to: "203.0.113.5", port: 443, protocol: "TCP" }).allowed).toBe(true);
    expect(reach(m, { from: "b/client", to: "203.0.113.200", port: 443, protocol: "TCP" }).allowed).toBe(false);
    expect(reach(m, { from: "b/client", to: "198.51.100.1", port: 443, protocol: "TCP" }).allowed).toBe(false);
  });

  it("ports: numbers, min:max ranges and named ports; notPorts excludes", () => {
    const p = calico(
      "p",
      "selector: app == 'web'\ningress:\n  - action: Allow\n    protocol: TCP\n    destination:\n      ports: [http, '9000:9010']\n      notPorts: [9005]",
    );
    const m = modelOf(...base, p);
    expect(allowed(m, "b/client", "a/web", 8080)).toBe(true);
    expect(allowed(m, "b/client", "a/web", 9001)).toBe(true);
    expect(allowed(m, "b/client", "a/web", 9005)).toBe(false);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
    expect(allowed(m, "b/client", "a/web", 8080, "UDP")).toBe(false);
  });

  it("ICMP rules match no TCP/UDP/SCTP connection; notProtocol excludes a protocol", () => {
    const icmp = calico("p", "selector: app == 'web'\ningress:\n  - action: Allow\n    protocol: ICMP");
    expect(allowed(modelOf(...base, icmp), "b/client", "a/web", 80)).toBe(false);
    const notUdp = calico("p", "selector: app == 'web'\ningress:\n  - action: Allow\n    notProtocol: UDP");
    const m = modelOf(...base, notUdp);
    expect(allowed(m, "b/client", "a/web", 53, "TCP")).toBe(true);
    expect(allowed(m, "b/client", "a/web", 53, "UDP")).toBe(false);
    const num = calico("p", "selector: app == 'web'\ningress:\n  - action: Allow\n    protocol: 17");
    expect(allowed(modelOf(...base, num), "b/client", "a/web", 53, "UDP")).toBe(true);
  });

  it("ports without a port protocol are an input error", () => {
    const p = calico("p", "selector: all()\ningress:\n  - action: Allow\n    destination:\n      ports: [80]");
    expect(problems(...base, p).map((x) => x.code)).toContain("invalid-port");
  });

  it("an unknown action is an input error", () => {
    const p = calico("p", "selector: all()\ningress:\n  - action: allow");
    expect(problems(...base, p).map((x) => x.code)).toContain("invalid-action");
  });

  it("Calico and Kubernetes NetworkPolicies with the same name are both kept", () => {
    const k8s = policy("a", "same", "podSelector: {}\ningress:\n  - {}");
    const cal = calico("same", "order: 1\nselector: app == 'web'\ningress:\n  - action: Deny");
    const m = modelOf(...base, k8s, cal);
    expect(m.policies).toHaveLength(2);
    expect(allowed(m, "b/client", "a/web", 80)).toBe(false);
    expect(allowed(m, "b/client", "a/db", 80)).toBe(true);
  });
});
