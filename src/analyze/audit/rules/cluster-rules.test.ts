import { describe, expect, it } from "vitest";
import { modelOf, namespace, pod, policy } from "../../../../test/support/cluster-fixture.js";
import type { Model } from "../../../model/model.js";
import { runAudit } from "../run-audit.js";

async function audit(model: Model, id: string) {
  return (await runAudit(model, { rules: [id] })).findings;
}

const DENY_ALL = `podSelector: {}
policyTypes: [Ingress, Egress]`;
const DNS = `podSelector: {}
policyTypes: [Egress]
egress:
  - to:
      - namespaceSelector:
          matchLabels:
            kubernetes.io/metadata.name: kube-system
        podSelector:
          matchLabels:
            k8s-app: kube-dns
    ports:
      - protocol: UDP
        port: 53
      - protocol: TCP
        port: 53`;
const COREDNS = pod(
  "kube-system",
  "coredns",
  { "k8s-app": "kube-dns" },
  `      ports:
        - name: dns
          containerPort: 53
          protocol: UDP
        - name: dns-tcp
          containerPort: 53
          protocol: TCP`,
);

describe("WARD-NP-001/002 default-deny", () => {
  it("reports a namespace whose pods no policy isolates", async () => {
    const m = modelOf(namespace("shop"), pod("shop", "web", { app: "web" }));
    const f = await audit(m, "WARD-NP-001");
    expect(f.map((x) => x.subject.name)).toEqual(["shop"]);
    expect(f[0]?.message).toContain("web");
    expect((await audit(m, "WARD-NP-002")).length).toBe(1);
  });

  it("counts podSelector: {} with no rules as default-deny (no false positive)", async () => {
    const m = modelOf(namespace("shop"), pod("shop", "web", { app: "web" }), policy("shop", "deny", DENY_ALL));
    expect(await audit(m, "WARD-NP-001")).toEqual([]);
    expect(await audit(m, "WARD-NP-002")).toEqual([]);
  });

  it("counts policies that together isolate every pod, and sees one left out", async () => {
    const perApp = (app: string) =>
      policy("shop", `only-${app}`, `podSelector:\n  matchLabels:\n    app: ${app}\npolicyTypes: [Ingress]`);
    const both = modelOf(pod("shop", "a", { app: "a" }), pod("shop", "b", { app: "b" }), perApp("a"), perApp("b"));
    expect(await audit(both, "WARD-NP-001")).toEqual([]);
    const one = modelOf(pod("shop", "a", { app: "a" }), pod("shop", "b", { app: "b" }), perApp("a"));
    const f = await audit(one, "WARD-NP-001");
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain("(b)");
  });

  it("an ingress-only default-deny leaves egress reported", async () => {
    const m = modelOf(pod("shop", "web"), policy("shop", "deny-in", "podSelector: {}\npolicyTypes: [Ingress]"));
    expect(await audit(m, "WARD-NP-001")).toEqual([]);
    expect(await audit(m, "WARD-NP-002")).toHaveLength(1);
  });
});

describe("WARD-NP-003 workload selected by no policy", () => {
  it("reports the unselected workload only", async () => {
    const m = modelOf(
      pod("shop", "web", { app: "web" }),
      pod("shop", "db", { app: "db" }),
      policy("shop", "db", "podSelector:\n  matchLabels:\n    app: db\npolicyTypes: [Ingress]"),
    );
    expect((await audit(m, "WARD-NP-003")).map((f) => f.subject.name)).toEqual(["web"]);
  });
});

describe("WARD-NP-004 default-deny egress without DNS", () => {
  it("proves the pod cannot reach kube-dns on UDP and TCP 53", async () => {
    const m = modelOf(namespace("kube-system"), COREDNS, pod("shop", "web"), policy("shop", "deny", DENY_ALL));
    const f = await audit(m, "WARD-NP-004");
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain("UDP/53 and TCP/53");
    expect(f[0]?.evidence?.[0]).toMatchObject({
      from: "shop/web",
      to: "kube-system/coredns",
      port: 53,
      allowed: false,
    });
  });

  it("is quiet when DNS is allowed on both protocols", async () => {
    const m = modelOf(
      namespace("kube-system"),
      COREDNS,
      pod("shop", "web"),
      policy("shop", "deny", DENY_ALL),
      policy("shop", "dns", DNS),
    );
    expect(await audit(m, "WARD-NP-004")).toEqual([]);
  });

  it("reports TCP when only UDP 53 is allowed", async () => {
    const udpOnly = DNS.replace("      - protocol: TCP\n        port: 53", "");
    const m = modelOf(
      namespace("kube-system"),
      COREDNS,
      pod("shop", "web"),
      policy("shop", "deny", DENY_ALL),
      policy("shop", "dns", udpOnly),
    );
    const f = await audit(m, "WARD-NP-004");
    expect(f[0]?.message).toContain("TCP/53");
    expect(f[0]?.message).not.toContain("UDP/53");
  });

  it("uses a stand-in kube-dns when the input has no DNS pods", async () => {
    const ok = modelOf(pod("shop", "web"), policy("shop", "deny", DENY_ALL), policy("shop", "dns", DNS));
    expect(await audit(ok, "WARD-NP-004")).toEqual([]);
    const bad = modelOf(pod("shop", "web"), policy("shop", "deny", DENY_ALL));
    expect(await audit(bad, "WARD-NP-004")).toHaveLength(1);
  });
});

describe("WARD-NP-005 half-open path", () => {
  const egressTo = (port: number) =>
    policy(
      "shop",
      "web-out",
      `podSelector:\n  matchLabels:\n    app: web\npolicyTypes: [Egress]\negress:\n  - to:\n      - podSelector:\n          matchLabels:\n            app: api\n    ports:\n      - port: ${port}`,
    );
  const ingressFrom = (port: number) =>
    policy(
      "shop",
      "api-in",
      `podSelector:\n  matchLabels:\n    app: api\npolicyTypes: [Ingress]\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            app: web\n    ports:\n      - port: ${port}`,
    );
  const base = [
    pod("shop", "web", { app: "web" }),
    pod("shop", "api", { app: "api" }),
    policy("shop", "deny", DENY_ALL),
  ];

  it("names both rules when egress allows what ingress denies", async () => {
    const f = await audit(modelOf(...base, egressTo(8080), ingressFrom(9090)), "WARD-NP-005");
    const egress = f.find((x) => x.message.includes("egress is allowed"));
    expect(egress?.subject.name).toBe("web-out");
    expect(egress?.message).toContain("TCP/8080");
    expect(egress?.related?.map((r) => r.name)).toContain("deny");
    expect(egress?.evidence?.[0]).toMatchObject({ from: "shop/web", to: "shop/api", port: 8080, allowed: false });
    const ingress = f.find((x) => x.message.includes("ingress is allowed"));
    expect(ingress?.subject.name).toBe("api-in");
    expect(ingress?.message).toContain("TCP/9090");
  });

  it("is quiet when both ends agree", async () => {
    expect(await audit(modelOf(...base, egressTo(8080), ingressFrom(8080)), "WARD-NP-005")).toEqual([]);
  });

  it("does not count a destination that is not isolated as denying", async () => {
    const m = modelOf(pod("shop", "web", { app: "web" }), pod("shop", "api", { app: "api" }), egressTo(8080));
    expect(await audit(m, "WARD-NP-005")).toEqual([]);
  });
});

describe("WARD-NP-006 policy that selects no pod", () => {
  it("reports a selector with a typo, not a policy that selects a pod", async () => {
    const m = modelOf(
      pod("shop", "web", { app: "web" }),
      policy("shop", "typo", "podSelector:\n  matchLabels:\n    app: wbe\npolicyTypes: [Ingress]"),
      policy("shop", "good", "podSelector:\n  matchLabels:\n    app: web\npolicyTypes: [Ingress]"),
    );
    expect((await audit(m, "WARD-NP-006")).map((f) => f.subject.name)).toEqual(["typo"]);
  });
});

describe("WARD-NP-007 peer that matches nothing", () => {
  it("reports a peer whose selector matches no pod, with the peer's line", async () => {
    const m = modelOf(
      pod("shop", "web", { app: "web" }),
      policy(
        "shop",
        "p",
        "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            app: frontnd\n      - podSelector:\n          matchLabels:\n            app: web",
      ),
    );
    const f = await audit(m, "WARD-NP-007");
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain("app=frontnd");
    expect(f[0]?.subject.line).toBeGreaterThan(8);
  });

  it("reports a namespaceSelector that matches no namespace", async () => {
    const m = modelOf(
      pod("shop", "web", { app: "web" }),
      policy(
        "shop",
        "p",
        "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n  - from:\n      - namespaceSelector:\n          matchLabels:\n            team: nobody",
      ),
    );
    expect((await audit(m, "WARD-NP-007"))[0]?.message).toContain("no namespace");
  });
});

describe("WARD-NP-008 rule fully shadowed", () => {
  const rule = (ports: string, app = "web") =>
    `  - from:\n      - podSelector:\n          matchLabels:\n            app: ${app}\n    ports:\n${ports}`;
  it("proves a rule covered by a broader rule of another policy (not textual equality)", async () => {
    const m = modelOf(
      pod("shop", "web", { app: "web" }),
      pod("shop", "api", { app: "api" }),
      policy(
        "shop",
        "narrow",
        `podSelector:\n  matchLabels:\n    app: api\npolicyTypes: [Ingress]\ningress:\n${rule("      - port: 8080")}`,
      ),
      policy(
        "shop",
        "broad",
        `podSelector: {}\npolicyTypes: [Ingress]\ningress:\n  - from:\n      - podSelector: {}\n    ports:\n      - port: 8000\n        endPort: 9000`,
      ),
    );
    const f = await audit(m, "WARD-NP-008");
    expect(f).toHaveLength(1);
    expect(f[0]?.subject.name).toBe("narrow");
    expect(f[0]?.related?.[0]?.name).toBe("broad");
  });

  it("is quiet when the other rule covers only part of it", async () => {
    const m = modelOf(
      pod("shop", "web", { app: "web" }),
      pod("shop", "api", { app: "api" }),
      policy(
        "shop",
        "a",
        `podSelector:\n  matchLabels:\n    app: api\npolicyTypes: [Ingress]\ningress:\n${rule("      - port: 8080\n      - port: 9443")}`,
      ),
      policy("shop", "b", `podSelector: {}\npolicyTypes: [Ingress]\ningress:\n${rule("      - port: 8080")}`),
    );
    expect(await audit(m, "WARD-NP-008")).toEqual([]);
  });

  it("reports only the later of two equal rules", async () => {
    const spec = `podSelector: {}\npolicyTypes: [Ingress]\ningress:\n${rule("      - port: 80")}`;
    const m = modelOf(
      pod("shop", "web", { app: "web" }),
      policy("shop", "first", spec),
      policy("shop", "second", spec),
    );
    expect((await audit(m, "WARD-NP-008")).map((f) => f.subject.name)).toEqual(["second"]);
  });
});

describe("WARD-NP-009 ingress from all namespaces", () => {
  it("reports namespaceSelector: {} with proof from another namespace", async () => {
    const m = modelOf(
      pod("shop", "api", { app: "api" }),
      pod("other", "x", { app: "x" }),
      policy(
        "shop",
        "open",
        "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n  - from:\n      - namespaceSelector: {}\n    ports:\n      - port: 80",
      ),
    );
    const f = await audit(m, "WARD-NP-009");
    expect(f).toHaveLength(1);
    expect(f[0]?.evidence?.[0]).toMatchObject({ from: "other/x", to: "shop/api", port: 80, allowed: true });
  });

  it("is quiet for a named namespace", async () => {
    const m = modelOf(
      pod("shop", "api"),
      policy(
        "shop",
        "named",
        "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n  - from:\n      - namespaceSelector:\n          matchLabels:\n            kubernetes.io/metadata.name: front",
      ),
    );
    expect(await audit(m, "WARD-NP-009")).toEqual([]);
  });
});

describe("WARD-NP-010 egress to 0.0.0.0/0 on all ports", () => {
  it("reports it with the engine's proof", async () => {
    const m = modelOf(
      pod("shop", "web"),
      policy(
        "shop",
        "out",
        "podSelector: {}\npolicyTypes: [Egress]\negress:\n  - to:\n      - ipBlock:\n          cidr: 0.0.0.0/0",
      ),
    );
    const f = await audit(m, "WARD-NP-010");
    expect(f).toHaveLength(1);
    expect(f[0]?.evidence?.[0]).toMatchObject({ from: "shop/web", allowed: true, port: 4444 });
  });

  it("is quiet when the ports are restricted", async () => {
    const m = modelOf(
      pod("shop", "web"),
      policy(
        "shop",
        "out",
        "podSelector: {}\npolicyTypes: [Egress]\negress:\n  - to:\n      - ipBlock:\n          cidr: 0.0.0.0/0\n    ports:\n      - port: 443",
      ),
    );
    expect(await audit(m, "WARD-NP-010")).toEqual([]);
  });
});

describe("WARD-NP-011 named port no selected container has", () => {
  const withPort = `      ports:\n        - name: http\n          containerPort: 8080`;
  it("reports an ingress port name the selected pods do not declare", async () => {
    const m = modelOf(
      pod("shop", "api", { app: "api" }, withPort),
      policy("shop", "p", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n  - ports:\n      - port: htpp"),
    );
    const f = await audit(m, "WARD-NP-011");
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain('"htpp"');
  });

  it("is quiet when a selected container declares it", async () => {
    const m = modelOf(
      pod("shop", "api", { app: "api" }, withPort),
      policy("shop", "p", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n  - ports:\n      - port: http"),
    );
    expect(await audit(m, "WARD-NP-011")).toEqual([]);
  });

  it("checks egress names against the destination pods", async () => {
    const egress = (name: string) =>
      policy(
        "shop",
        "p",
        `podSelector:\n  matchLabels:\n    app: web\npolicyTypes: [Egress]\negress:\n  - to:\n      - podSelector:\n          matchLabels:\n            app: api\n    ports:\n      - port: ${name}`,
      );
    const pods = [pod("shop", "web", { app: "web" }), pod("shop", "api", { app: "api" }, withPort)];
    expect(await audit(modelOf(...pods, egress("http")), "WARD-NP-011")).toEqual([]);
    expect(await audit(modelOf(...pods, egress("metrics")), "WARD-NP-011")).toHaveLength(1);
  });
});

describe("WARD-NP-012 hostNetwork pods", () => {
  it("reports a hostNetwork pod and not a normal one", async () => {
    const host = `apiVersion: v1
kind: Pod
metadata:
  name: agent
  namespace: shop
spec:
  hostNetwork: true
  containers:
    - name: main
      image: app`;
    const f = await audit(modelOf(host, pod("shop", "web")), "WARD-NP-012");
    expect(f.map((x) => x.subject.name)).toEqual(["agent"]);
  });
});

describe("suppression", () => {
  it("ward.dev/ignore on the object drops the finding, and only for the named rule", async () => {
    const annotated = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  annotations:
    ward.dev/ignore: WARD-NP-003, WARD-NP-012
spec:
  containers:
    - name: main
      image: app`;
    const r = await runAudit(modelOf(annotated), { rules: ["WARD-NP-003", "WARD-NP-002"] });
    expect(r.findings.map((f) => f.rule)).toEqual(["WARD-NP-002"]);
    expect(r.suppressed.map((f) => f.rule)).toEqual(["WARD-NP-003"]);
  });
});
