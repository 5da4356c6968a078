import { describe, expect, it } from "vitest";
import { allowed, modelOf, namespace, pod } from "../../../test/support/cluster-fixture.js";
import { reach } from "../../analyze/reach/reach.js";
import { InputError } from "../../errors/input-error.js";

const indent = (text: string, n: number) =>
  text
    .split("\n")
    .map((l) => (l === "" ? l : `${" ".repeat(n)}${l}`))
    .join("\n");

const withIp = (ip: string) => `status:\n  podIP: ${ip}`;
const base = [
  namespace("shop", { env: "prod" }),
  namespace("lab", { env: "dev" }),
  pod("shop", "api", { app: "api" }, withIp("10.0.0.10")),
  pod("shop", "web", { app: "web" }, withIp("10.0.0.11")),
  pod("lab", "probe", { app: "probe" }, withIp("10.0.1.10")),
];

const calicoNp = (name: string, ns: string, spec: string) => `apiVersion: projectcalico.org/v3
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

const netset = (name: string, ns: string | undefined, labels: Record<string, string>, spec: string) =>
  `apiVersion: projectcalico.org/v3
kind: ${ns === undefined ? "GlobalNetworkSet" : "NetworkSet"}
metadata:
  name: ${name}
${ns === undefined ? "" : `  namespace: ${ns}\n`}  labels:
${Object.entries(labels)
  .map(([k, v]) => `    ${k}: "${v}"`)
  .join("\n")}
spec:
${indent(spec, 2)}`;

const dbShop = netset("db", "shop", { role: "db" }, "nets: [198.51.100.0/28]");
const dbLab = netset("db", "lab", { role: "db" }, "nets: [203.0.113.0/24]");
const dbGlobal = netset("db-global", undefined, { role: "db" }, "nets: [192.0.2.0/24]");

/** An egress allow-list for shop/api: only to what `destination` matches, TCP 5432. */
const apiEgress = (destination: string, kind: "np" | "gnp" = "np") => {
  const spec = `selector: app == 'api'
types: [Egress]
egress:
  - action: Allow
    protocol: TCP
    destination:
${indent(destination, 6)}
      ports: [5432]`;
  return kind === "np" ? calicoNp("api-egress", "shop", spec) : gnp("api-egress", `${spec}\n`);
};

const to = (m: ReturnType<typeof modelOf>, target: string, port = 5432) =>
  reach(m, { from: "shop/api", to: target, port, protocol: "TCP" }).allowed;

describe("Calico network sets: which sets a selector reaches (rules.go getEndpointSelector)", () => {
  it("a namespaced policy's selector matches the NetworkSets of its own namespace only", () => {
    const m = modelOf(...base, dbShop, dbLab, dbGlobal, apiEgress("selector: role == 'db'"));
    expect(to(m, "198.51.100.5")).toBe(true);
    expect(to(m, "203.0.113.9")).toBe(false);
    expect(to(m, "192.0.2.1")).toBe(false);
    // The labels must match: a set without role=db is not in the rule.
    const other = netset("cache", "shop", { role: "cache" }, "nets: [198.51.100.64/28]");
    expect(to(modelOf(...base, other, apiEgress("selector: role == 'db'")), "198.51.100.70")).toBe(false);
  });

  it("namespaceSelector reaches the sets of the namespaces it selects; global() reaches GlobalNetworkSets", () => {
    const lab = modelOf(
      ...base,
      dbShop,
      dbLab,
      dbGlobal,
      apiEgress("selector: role == 'db'\nnamespaceSelector: env == 'dev'"),
    );
    expect(to(lab, "203.0.113.9")).toBe(true);
    expect(to(lab, "198.51.100.5")).toBe(false);
    expect(to(lab, "192.0.2.1")).toBe(false);
    const global = modelOf(
      ...base,
      dbShop,
      dbLab,
      dbGlobal,
      apiEgress("selector: role == 'db'\nnamespaceSelector: global()"),
    );
    expect(to(global, "192.0.2.1")).toBe(true);
    expect(to(global, "198.51.100.5")).toBe(false);
    // all() is "every namespace": has(projectcalico.org/namespace) — namespaced sets, never global ones.
    const all = modelOf(
      ...base,
      dbShop,
      dbLab,
      dbGlobal,
      apiEgress("selector: role == 'db'\nnamespaceSelector: all()"),
    );
    expect([to(all, "198.51.100.5"), to(all, "203.0.113.9"), to(all, "192.0.2.1")]).toEqual([true, true, false]);
  });

  it("a GlobalNetworkPolicy selector without namespaceSelector reaches global and namespaced sets alike", () => {
    const m = modelOf(...base, dbShop, dbLab, dbGlobal, apiEgress("selector: role == 'db'", "gnp"));
    expect([to(m, "198.51.100.5"), to(m, "203.0.113.9"), to(m, "192.0.2.1")]).toEqual([true, true, true]);
    expect(to(m, "8.8.8.8")).toBe(false);
  });

  it("a serviceAccounts match never reaches a set (sets have no service account)", () => {
    const m = modelOf(...base, dbShop, apiEgress("selector: role == 'db'\nserviceAccounts:\n  names: [default]"));
    expect(to(m, "198.51.100.5")).toBe(false);
  });

  it("a set's CIDR in source selects ingress from those addresses, and from pods whose IP it holds", () => {
    const office = netset("office", "shop", { trusted: "yes" }, "nets: [203.0.113.0/24, 10.0.1.0/24]");
    const ingress = calicoNp(
      "api-ingress",
      "shop",
      "selector: app == 'api'\ningress:\n  - action: Allow\n    source:\n      selector: trusted == 'yes'",
    );
    const m = modelOf(...base, office, ingress);
    expect(reach(m, { from: "203.0.113.4", to: "shop/api", port: 80, protocol: "TCP" }).allowed).toBe(true);
    expect(reach(m, { from: "198.51.100.4", to: "shop/api", port: 80, protocol: "TCP" }).allowed).toBe(false);
    // lab/probe (10.0.1.10) is in the set's 10.0.1.0/24: Calico's IP set holds it — both engines agree.
    expect(allowed(m, "lab/probe", "shop/api", 80)).toBe(true);
    expect(allowed(m, "shop/web", "shop/api", 80)).toBe(false);
  });

  it("notSelector is not namespaced: it takes out the addresses of matching sets in any namespace", () => {
    const blocked = netset("blocked", "lab", { blocked: "yes" }, "nets: [203.0.113.0/25]");
    const ingress = gnp(
      "in",
      "selector: app == 'api'\ningress:\n  - action: Allow\n    source:\n      nets: [203.0.113.0/24]\n      notSelector: blocked == 'yes'",
    );
    const m = modelOf(...base, blocked, ingress);
    expect(reach(m, { from: "203.0.113.200", to: "shop/api", port: 80, protocol: "TCP" }).allowed).toBe(true);
    expect(reach(m, { from: "203.0.113.5", to: "shop/api", port: 80, protocol: "TCP" }).allowed).toBe(false);
  });

  it("a Deny rule's selector denies the set's addresses before a later Allow", () => {
    const bad = netset("bad", undefined, { threat: "high" }, "nets: [198.51.100.0/24]");
    const policy = gnp(
      "guard",
      "selector: app == 'api'\ntypes: [Egress]\negress:\n  - action: Deny\n    destination:\n      selector: threat == 'high'\n  - action: Allow",
    );
    const m = modelOf(...base, bad, policy);
    expect(to(m, "198.51.100.9", 443)).toBe(false);
    expect(to(m, "8.8.8.8", 443)).toBe(true);
  });
});

describe("Calico network sets: allowedEgressDomains", () => {
  const domains = netset(
    "saas",
    undefined,
    { egress: "saas" },
    "allowedEgressDomains: [api.example.com, '*.cdn.example.net']",
  );
  const allowTo = (action: string) =>
    gnp(
      "saas",
      `selector: app == 'api'\ntypes: [Egress]\negress:\n  - action: ${action}\n    destination:\n      selector: egress == 'saas'\n      namespaceSelector: global()`,
    );

  it("an egress Allow rule whose destination selector matches the set allows its domains ('*.' = one or more labels)", () => {
    const m = modelOf(...base, domains, allowTo("Allow"));
    expect(to(m, "api.example.com", 443)).toBe(true);
    expect(to(m, "a.b.cdn.example.net", 443)).toBe(true);
    expect(to(m, "cdn.example.net", 443)).toBe(false);
    expect(to(m, "www.example.com", 443)).toBe(false);
  });

  it("domains have no effect in a rule whose action is not Allow", () => {
    const deny = modelOf(
      ...base,
      domains,
      allowTo("Deny"),
      gnp("rest", "order: 2000\nselector: app == 'api'\ntypes: [Egress]\negress:\n  - action: Allow"),
    );
    // The Deny rule does not match the name, so the later Allow decides.
    expect(to(deny, "api.example.com", 443)).toBe(true);
  });
});

describe("Calico network sets: input errors", () => {
  it("a bad CIDR in nets is an error naming file:line", () => {
    try {
      modelOf(...base, netset("bad", "shop", { a: "b" }, "nets: [10.0.0.0/33]"));
      throw new Error("expected an InputError");
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      expect(e.problems.map((p) => [p.code, p.line])).toEqual([["invalid-cidr", expect.any(Number)]]);
      expect(e.problems[0]?.line).toBeGreaterThan(1);
    }
  });
});
