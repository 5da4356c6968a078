import { describe, expect, it } from "vitest";
import { parseCidr } from "../../model/cidr.js";
import type { CloudModel, CloudRef, Nacl, NaclRule, NetworkFirewall, RouteTable, SgRule } from "../../model/cloud.js";
import { emptyCloud } from "../../model/cloud.js";
import { domainMatches, firewallDecision } from "./firewall.js";
import { evaluateNacl } from "./nacl.js";
import { rangesOf } from "./ranges.js";
import { chooseRoutes } from "./routes.js";
import { evaluateSecurityGroups } from "./security-group.js";

const ref: CloudRef = { kind: "test", name: "t", file: "t.tf", line: 1 };
const set = (c: string) => rangesOf(parseCidr(c));

function nacl(rules: Partial<NaclRule>[]): Nacl {
  return {
    id: "acl",
    vpcId: "vpc",
    isDefault: false,
    subnetIds: [],
    source: ref,
    rules: rules.map((r) => ({
      direction: "ingress",
      ruleNumber: 100,
      action: "allow",
      protocol: 6,
      fromPort: 0,
      toPort: 65535,
      cidr: parseCidr("0.0.0.0/0"),
      source: ref,
      ...r,
    })),
  };
}

describe("network ACL rules", () => {
  it("the lowest rule_number that matches decides (a deny before an allow wins)", () => {
    // Listed out of order on purpose: evaluation goes by rule_number, not by position.
    const n = nacl([
      { ruleNumber: 200, action: "allow", cidr: parseCidr("10.0.0.0/16") },
      { ruleNumber: 100, action: "deny", cidr: parseCidr("10.0.1.0/24") },
    ]);
    expect(evaluateNacl(n, "ingress", set("10.0.1.5/32"), 6, 443, 443).allowed.list).toEqual([]);
    expect(evaluateNacl(n, "ingress", set("10.0.2.5/32"), 6, 443, 443).allowed.list.length).toBe(1);
  });

  it("a packet no rule matches is denied by the final * rule", () => {
    const n = nacl([{ cidr: parseCidr("10.0.1.0/24") }]);
    const d = evaluateNacl(n, "ingress", set("192.0.2.1/32"), 6, 443, 443);
    expect(d.denied.list.length).toBe(1);
    expect(d.decisions.some((x) => x.rule === undefined)).toBe(true);
  });

  it("rules of the other direction do not apply (NACLs are stateless)", () => {
    const n = nacl([{ direction: "ingress" }]);
    expect(evaluateNacl(n, "egress", set("10.0.0.1/32"), 6, 1024, 65535).allowed.list).toEqual([]);
  });

  it("a return rule covering only part of the ephemeral range leaves the answer undecided", () => {
    const n = nacl([{ direction: "egress", fromPort: 32768, toPort: 65535 }]);
    const d = evaluateNacl(n, "egress", set("10.0.0.1/32"), 6, 1024, 65535);
    expect(d.allowed.list).toEqual([]);
    expect(d.unknown.list.length).toBe(1);
  });

  it("protocol -1 matches every protocol and ignores ports; tcp rules do not match udp", () => {
    expect(
      evaluateNacl(nacl([{ protocol: "all", fromPort: 0, toPort: 0 }]), "ingress", set("1.2.3.4/32"), 17, 53, 53)
        .allowed.list.length,
    ).toBe(1);
    expect(evaluateNacl(nacl([{ protocol: 6 }]), "ingress", set("1.2.3.4/32"), 17, 53, 53).allowed.list).toEqual([]);
  });

  it("splits a peer range by the rules' CIDRs", () => {
    const n = nacl([{ cidr: parseCidr("10.0.1.0/24") }]);
    const d = evaluateNacl(n, "ingress", set("10.0.0.0/23"), 6, 80, 80);
    expect(d.allowed.list).toEqual([[parseCidr("10.0.1.0/24").start, parseCidr("10.0.1.0/24").end]]);
    expect(d.denied.list).toEqual([[parseCidr("10.0.0.0/24").start, parseCidr("10.0.0.0/24").end]]);
  });
});

function cloudWith(rules: Partial<SgRule>[], extra: Partial<CloudModel> = {}): CloudModel {
  return {
    ...emptyCloud(),
    securityGroups: [
      {
        id: "sg-a",
        name: "a",
        vpcId: "vpc",
        source: ref,
        rules: rules.map((r) => ({
          direction: "ingress",
          protocol: 6,
          fromPort: 443,
          toPort: 443,
          peer: { type: "cidr", cidr: parseCidr("0.0.0.0/0") },
          source: ref,
          ...r,
        })),
      },
    ],
    ...extra,
  };
}

describe("security group rules", () => {
  it("allow only: no rule, no traffic", () => {
    const d = evaluateSecurityGroups(
      cloudWith([]),
      ["sg-a"],
      "ingress",
      { set: set("1.2.3.4/32"), groups: [] },
      6,
      443,
    );
    expect(d.allowed.list).toEqual([]);
  });

  it("port ranges are inclusive; protocol -1 matches every port", () => {
    const c = cloudWith([{ fromPort: 8000, toPort: 8080 }]);
    expect(
      evaluateSecurityGroups(c, ["sg-a"], "ingress", { set: set("1.2.3.4/32"), groups: [] }, 6, 8080).allowed.list
        .length,
    ).toBe(1);
    expect(
      evaluateSecurityGroups(c, ["sg-a"], "ingress", { set: set("1.2.3.4/32"), groups: [] }, 6, 8081).allowed.list,
    ).toEqual([]);
    const all = cloudWith([{ protocol: "all", fromPort: 0, toPort: 0 }]);
    expect(
      evaluateSecurityGroups(all, ["sg-a"], "ingress", { set: set("1.2.3.4/32"), groups: [] }, 17, 5353).allowed.list
        .length,
    ).toBe(1);
  });

  it("a referenced group matches its members, not an address inside the same range", () => {
    const c = cloudWith([{ peer: { type: "security-group", id: "sg-b" } }]);
    expect(
      evaluateSecurityGroups(c, ["sg-a"], "ingress", { set: set("10.0.0.5/32"), groups: ["sg-b"] }, 6, 443).allowed.list
        .length,
    ).toBe(1);
    expect(
      evaluateSecurityGroups(c, ["sg-a"], "ingress", { set: set("10.0.0.5/32"), groups: ["sg-c"] }, 6, 443).allowed
        .list,
    ).toEqual([]);
  });

  it("rules of all the interface's groups are unioned", () => {
    const c = cloudWith([{ peer: { type: "cidr", cidr: parseCidr("10.0.0.0/24") } }]);
    const two: CloudModel = {
      ...c,
      securityGroups: [
        ...c.securityGroups,
        {
          id: "sg-z",
          name: "z",
          vpcId: "vpc",
          source: ref,
          rules: [
            {
              direction: "ingress",
              protocol: 6,
              fromPort: 443,
              toPort: 443,
              peer: { type: "cidr", cidr: parseCidr("10.0.1.0/24") },
              source: ref,
            },
          ],
        },
      ],
    };
    const d = evaluateSecurityGroups(two, ["sg-a", "sg-z"], "ingress", { set: set("10.0.0.0/23"), groups: [] }, 6, 443);
    expect(d.allowed.list).toEqual([[parseCidr("10.0.0.0/23").start, parseCidr("10.0.0.0/23").end]]);
  });

  it("a prefix list source matches its CIDRs; one not in the files is unknown", () => {
    const c = cloudWith([{ peer: { type: "prefix-list", id: "pl-1" } }], {
      prefixLists: [{ id: "pl-1", name: "office", cidrs: [parseCidr("198.51.100.0/24")] }],
    });
    expect(
      evaluateSecurityGroups(c, ["sg-a"], "ingress", { set: set("198.51.100.7/32"), groups: [] }, 6, 443).allowed.list
        .length,
    ).toBe(1);
    const missing = cloudWith([{ peer: { type: "prefix-list", id: "pl-x" } }]);
    expect(
      evaluateSecurityGroups(missing, ["sg-a"], "ingress", { set: set("198.51.100.7/32"), groups: [] }, 6, 443).unknown
        .list.length,
    ).toBe(1);
  });
});

describe("routes", () => {
  const table = (routes: [string, string][]): RouteTable => ({
    id: "rtb",
    vpcId: "vpc",
    main: true,
    subnetIds: [],
    gatewayIds: [],
    source: ref,
    routes: routes.map(([d, t]) => ({
      destination: parseCidr(d),
      target: t === "local" ? { type: "local" } : { type: "nat-gateway", id: t },
      source: ref,
    })),
  });

  it("the longest prefix wins", () => {
    const t = table([
      ["10.0.0.0/16", "local"],
      ["0.0.0.0/0", "nat-1"],
      ["192.0.2.0/24", "nat-2"],
    ]);
    const c = chooseRoutes(emptyCloud(), t, set("192.0.2.9/32"));
    expect(c.routed.map((r) => (r.route.target as { id: string }).id)).toEqual(["nat-2"]);
    const local = chooseRoutes(emptyCloud(), t, set("10.0.3.3/32"));
    expect(local.routed[0]?.route.target).toEqual({ type: "local" });
  });

  it("no matching route: the addresses are unrouted (dropped)", () => {
    const c = chooseRoutes(emptyCloud(), table([["10.0.0.0/16", "local"]]), set("8.8.8.8/32"));
    expect(c.routed).toEqual([]);
    expect(c.unrouted.list.length).toBe(1);
  });
});

describe("Network Firewall domain lists", () => {
  it(".example.com matches the domain and its sub-domains; example.com only itself", () => {
    expect(domainMatches(".example.com", "example.com")).toBe(true);
    expect(domainMatches(".example.com", "a.b.example.com")).toBe(true);
    expect(domainMatches(".example.com", "badexample.com")).toBe(false);
    expect(domainMatches("example.com", "www.example.com")).toBe(false);
    expect(domainMatches("API.Example.com", "api.example.com")).toBe(true);
  });

  const fw = (action: "ALLOWLIST" | "DENYLIST", targets: string[]): NetworkFirewall => ({
    id: "fw",
    name: "fw",
    vpcId: "vpc",
    subnetIds: [],
    source: ref,
    domainRules: [{ action, targetTypes: ["TLS_SNI"], targets, source: ref }],
  });

  it("ALLOWLIST passes listed names and drops other TLS traffic", () => {
    expect(firewallDecision(fw("ALLOWLIST", [".stripe.com"]), "api.stripe.com", 443, 6).status).toBe("allow");
    expect(firewallDecision(fw("ALLOWLIST", [".stripe.com"]), "evil.com", 443, 6).status).toBe("deny");
  });

  it("DENYLIST drops listed names and passes others", () => {
    expect(firewallDecision(fw("DENYLIST", ["evil.com"]), "evil.com", 443, 6).status).toBe("deny");
    expect(firewallDecision(fw("DENYLIST", ["evil.com"]), "good.com", 443, 6).status).toBe("allow");
  });

  it("a TLS_SNI list does not decide HTTP on port 80, and an address cannot be matched by name", () => {
    expect(firewallDecision(fw("ALLOWLIST", [".stripe.com"]), "evil.com", 80, 6).status).toBe("allow");
    expect(firewallDecision(fw("ALLOWLIST", [".stripe.com"]), undefined, 443, 6).status).toBe("unknown");
  });
});
