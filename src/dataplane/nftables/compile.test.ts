import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { modelOf, namespace, pod, policy } from "../../../test/support/cluster-fixture.js";
import {
  PROBE_PORTS,
  randomCluster,
  randomHostNetworkCluster,
  randomMixedCluster,
} from "../../../test/support/random-cluster.js";
import { evaluateCluster } from "../../analyze/cluster/evaluate-cluster.js";
import { externalParty, podParty } from "../../analyze/party.js";
import { buildModel } from "../../load/index.js";
import type { Model } from "../../model/model.js";
import {
  ADMIN_TIER,
  BASELINE_TIER,
  type ClusterPolicy,
  DEFAULT_TIER,
  type PolicyRule,
  type RuleAction,
  type Tier,
} from "../../model/policy.js";
import type { Protocol } from "../../model/ports.js";
import { ipv4ToInt } from "../ipv4.js";
import { type LabPlan, planLab } from "../lab-plan.js";
import { compileRuleset } from "./compile.js";
import { renderRuleset } from "./render.js";
import type { PortMatch, Rule, Ruleset } from "./ruleset.js";

/** What the router's forward chain decides for a new connection, evaluated from the ruleset without a kernel. */
function simulate(rs: Ruleset, src: number, dst: number, protocol: Protocol, port: number): boolean {
  const sets = new Map([rs.pods, ...rs.sets].map((s) => [s.name, s.ranges]));
  const chains = new Map(rs.chains.map((c) => [c.name, c]));
  const inSet = (name: string, a: number) => (sets.get(name) ?? []).some(([s, e]) => a >= s && a <= e);
  const portMatches = (m: PortMatch) =>
    m.protocol !== "other" &&
    m.protocol === protocol &&
    (m.ports === "all" || m.ports.some(([s, e]) => port >= s && port <= e));
  const matches = (r: Rule, peer: number) =>
    (!r.externalOnly || !inSet("pods", peer)) &&
    (r.peers === undefined || inSet(r.peers, peer)) &&
    (r.match === undefined || portMatches(r.match));
  const passes = (direction: "egress" | "ingress", self: number, peer: number) => {
    let chain = rs.chains.find((c) => c.direction === direction && c.members.includes(self));
    for (let hops = 0; chain !== undefined; hops++) {
      if (hops > 100) throw new Error("goto loop");
      const rule = chain.rules.find((r) => matches(r, peer));
      const verdict = rule?.verdict ?? chain.end;
      if (verdict.kind !== "goto") return verdict.kind === "return";
      chain = chains.get(verdict.chain);
      if (chain === undefined) throw new Error(`goto to a missing chain ${verdict.chain}`);
    }
    return true;
  };
  return passes("egress", src, dst) && passes("ingress", dst, src);
}

type Disagreement = { from: string; to: string; what: string; reference: boolean };

/** Every ordered pair of lab namespaces (and pod ↔ external) on every probe port: ruleset vs reference evaluator. */
function disagreements(model: Model, plan: LabPlan, ports = PROBE_PORTS): Disagreement[] {
  const rs = compileRuleset(model, plan);
  const out: Disagreement[] = [];
  const addr = (a: string) => ipv4ToInt(a) as number;
  for (const { port, protocol } of ports) {
    for (const a of plan.pods) {
      const pa = model.pods[a.pod];
      if (!pa) throw new Error("no pod");
      for (const b of plan.pods) {
        if (a === b) continue; // same namespace: loopback, never forwarded
        const pb = model.pods[b.pod];
        if (!pb) throw new Error("no pod");
        const reference = evaluateCluster(model, {
          from: podParty(model, pa),
          to: podParty(model, pb),
          port,
          protocol,
        });
        if (simulate(rs, addr(a.address), addr(b.address), protocol, port) !== reference.allowed)
          out.push({ from: a.netns, to: b.netns, what: `${protocol}/${port}`, reference: reference.allowed });
      }
      for (const x of plan.externals) {
        const out1 = evaluateCluster(model, {
          from: podParty(model, pa),
          to: externalParty(x.address),
          port,
          protocol,
        });
        if (simulate(rs, addr(a.address), addr(x.address), protocol, port) !== out1.allowed)
          out.push({ from: a.netns, to: x.address, what: `${protocol}/${port}`, reference: out1.allowed });
        const in1 = evaluateCluster(model, { from: externalParty(x.address), to: podParty(model, pa), port, protocol });
        if (simulate(rs, addr(x.address), addr(a.address), protocol, port) !== in1.allowed)
          out.push({ from: x.address, to: a.netns, what: `${protocol}/${port}`, reference: in1.allowed });
      }
    }
  }
  return out;
}

function payments(): Model {
  const dir = join(import.meta.dirname, "../../../examples/payments");
  const files = [
    ...readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => join(dir, f)),
    ...readdirSync(join(dir, "policies")).map((f) => join(dir, "policies", f)),
  ];
  return buildModel(files.map((file) => ({ file, text: readFileSync(file, "utf8") })));
}

describe("nftables compiler", () => {
  it("agrees with the reference evaluator on every pair of random clusters, externals included", () => {
    fc.assert(
      fc.property(randomCluster, (model) => {
        const plan = planLab(model, { name: "prop" });
        expect(disagreements(model, plan)).toEqual([]);
      }),
      { numRuns: 80, seed: 20261125 },
    );
  });

  it("agrees with the reference evaluator on random clusters mixing tiers, deny, pass, entities and exclusions", () => {
    fc.assert(
      fc.property(randomMixedCluster, (model) => {
        const plan = planLab(model, { name: "mixed" });
        expect(disagreements(model, plan)).toEqual([]);
      }),
      { numRuns: 80, seed: 20261125 },
    );
  });

  it("agrees with the reference evaluator when host-network pods are left out of admin policies", () => {
    fc.assert(
      fc.property(randomHostNetworkCluster, (model) => {
        const plan = planLab(model, { name: "hostnet" });
        expect(disagreements(model, plan)).toEqual([]);
      }),
      { numRuns: 80, seed: 20261125 },
    );
  });

  it("agrees with the reference evaluator on the payments example", () => {
    const model = payments();
    const plan = planLab(model, { name: "payments" });
    const ports = plan.ports.flatMap((port) =>
      (["TCP", "UDP", "SCTP"] as const).map((protocol) => ({ port, protocol })),
    );
    expect(disagreements(model, plan, ports)).toEqual([]);
  });

  it("writes one table, replaced in the same transaction, accepting established traffic before any policy", () => {
    const model = payments();
    const { script, stats } = renderRuleset(compileRuleset(model, planLab(model, { name: "payments" })));
    const lines = script.split("\n");
    expect(lines.slice(0, 3)).toEqual(["table inet ward", "delete table inet ward", "table inet ward {"]);
    const forward = script.slice(script.indexOf("chain forward"));
    expect(forward.indexOf("ct state established,related accept")).toBeLessThan(forward.indexOf("vmap @egress_of"));
    expect(forward).toContain("policy accept");
    expect(stats.chains).toBe(9); // egress: prometheus, backend, database, frontend; ingress: the same four; forward
  });

  it("ends every isolating chain with drop, and gives an isolated pod without rules only that", () => {
    const model = payments();
    const rs = compileRuleset(model, planLab(model, { name: "payments" }));
    const prometheusIn = rs.chains.find(
      (c) => c.direction === "ingress" && c.workloads.includes("monitoring/prometheus"),
    );
    expect(prometheusIn?.rules).toEqual([]);
    const { script } = renderRuleset(rs);
    expect(script).toMatch(/chain in_monitoring\.prometheus \{\n\t\tdrop\n\t\}/);
  });

  it("resolves a named egress port per destination pod", () => {
    const model = modelOf(
      namespace("a"),
      pod("a", "client", { app: "client" }),
      pod("a", "web", { app: "web" }, "      ports:\n        - name: http\n          containerPort: 8080"),
      pod("a", "alt", { app: "alt" }, "      ports:\n        - name: http\n          containerPort: 9090"),
      policy(
        "a",
        "out",
        "podSelector:\n  matchLabels:\n    app: client\npolicyTypes: [Egress]\negress:\n  - ports:\n      - port: http",
      ),
    );
    const plan = planLab(model, { name: "named" });
    const rs = compileRuleset(model, plan);
    const egress = rs.chains.find((c) => c.direction === "egress");
    const ports = egress?.rules.map((r) =>
      r.match?.protocol === "TCP" && r.match.ports !== "all" ? r.match.ports : [],
    );
    expect(ports?.flat(2).sort()).toEqual([8080, 8080, 9090, 9090]);
    // No rule without a peer set: a named port matches nothing outside the cluster.
    expect(egress?.rules.every((r) => r.peers !== undefined)).toBe(true);
    expect(
      disagreements(
        model,
        plan,
        [8080, 9090, 80].map((port) => ({ port, protocol: "TCP" as const })),
      ),
    ).toEqual([]);
  });

  it("matches an ipBlock's pods by their own IPs and the rest of the block by address, except removed", () => {
    const model = modelOf(
      namespace("a"),
      pod("a", "db", { app: "db" }),
      pod("a", "in-block", { app: "x" }, "status:\n  podIP: 10.1.0.5"),
      pod("a", "excepted", { app: "y" }, "status:\n  podIP: 10.1.1.5"),
      policy(
        "a",
        "from-block",
        "podSelector:\n  matchLabels:\n    app: db\ningress:\n  - from:\n      - ipBlock:\n          cidr: 10.1.0.0/16\n          except: [10.1.1.0/24]",
      ),
    );
    const plan = planLab(model, { name: "block" });
    expect(plan.pods.map((p) => p.address).sort()).toEqual(["10.1.0.5", "10.1.1.5", "10.244.0.1"]);
    const rs = compileRuleset(model, plan);
    const { script } = renderRuleset(rs);
    expect(script).toContain("elements = { 10.1.0.0/24, 10.1.2.0-10.1.255.255 }");
    expect(script).toContain("ip saddr != @pods ip saddr @");
    expect(disagreements(model, plan, [{ port: 80, protocol: "TCP" }])).toEqual([]);
  });

  it("never matches a pod by the lab address it was given, only by its own IPs", () => {
    // The pod without IPs gets 10.244.0.x in the lab, inside 0.0.0.0/0, yet NetworkPolicy's ipBlock does not match it.
    const model = modelOf(
      namespace("a"),
      pod("a", "client", { app: "client" }),
      pod("a", "server", { app: "server" }),
      policy(
        "a",
        "out",
        "podSelector:\n  matchLabels:\n    app: client\npolicyTypes: [Egress]\negress:\n  - to:\n      - ipBlock:\n          cidr: 0.0.0.0/0",
      ),
    );
    const plan = planLab(model, { name: "noip" });
    const egress = compileRuleset(model, plan).chains.find((c) => c.direction === "egress");
    expect(egress?.rules).toEqual([expect.objectContaining({ externalOnly: true })]);
    expect(disagreements(model, plan, [{ port: 80, protocol: "TCP" }])).toEqual([]);
  });

  describe("tiers", () => {
    const ref = { kind: "Test", name: "t", file: "tiers.yaml", line: 1 };
    const base = modelOf(namespace("a"), pod("a", "client", { app: "client" }), pod("a", "server", { app: "server" }));
    const server = { matchLabels: { app: "server" }, matchExpressions: [] };
    const rule = (action: RuleAction, port: number): PolicyRule => ({
      action,
      peers: "any",
      ports: [{ protocol: "TCP", port }],
      source: ref,
    });
    const policy = (tier: Tier, order: number, rules: PolicyRule[], isolates: boolean): ClusterPolicy => ({
      namespace: "a",
      name: `p-${tier.name}-${order}`,
      podSelector: server,
      ingress: rules,
      tier,
      order,
      isolates: { ingress: isolates, egress: false },
      source: ref,
    });
    const decide = (policies: ClusterPolicy[], port: number) => {
      const model: Model = { ...base, policies };
      const plan = planLab(model, { name: "tiers" });
      expect(
        disagreements(
          model,
          plan,
          [80, 443, 8080].map((p) => ({ port: p, protocol: "TCP" as const })),
        ),
      ).toEqual([]);
      const rs = compileRuleset(model, plan);
      const [client, srv] = ["a/client", "a/server"].map((w) => plan.pods.find((p) => p.workload === w)?.address);
      return simulate(rs, ipv4ToInt(client ?? "") ?? 0, ipv4ToInt(srv ?? "") ?? 0, "TCP", port);
    };

    it("lets an admin deny win over a NetworkPolicy allow, and an admin pass defer to it", () => {
      const np = policy(DEFAULT_TIER, 1000, [rule("allow", 80)], true);
      expect(decide([policy(ADMIN_TIER, 0, [rule("deny", 80)], false), np], 80)).toBe(false);
      expect(decide([policy(ADMIN_TIER, 0, [rule("pass", 80)], false), np], 80)).toBe(true);
      expect(decide([policy(ADMIN_TIER, 0, [rule("pass", 443)], false), np], 443)).toBe(false);
    });

    it("takes the first matching rule in order inside a tier, and the tier's default only when it isolates", () => {
      expect(
        decide(
          [policy(DEFAULT_TIER, 1, [rule("deny", 80)], true), policy(DEFAULT_TIER, 2, [rule("allow", 80)], true)],
          80,
        ),
      ).toBe(false);
      expect(decide([policy(DEFAULT_TIER, 1, [rule("log", 80), rule("allow", 80)], true)], 80)).toBe(true);
      expect(decide([policy(BASELINE_TIER, 0, [rule("deny", 8080)], false)], 8080)).toBe(false);
      expect(decide([policy(BASELINE_TIER, 0, [rule("deny", 8080)], false)], 80)).toBe(true);
    });
  });
});
