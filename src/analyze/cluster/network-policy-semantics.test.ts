import { describe, expect, it } from "vitest";
import { allowed, modelOf, namespace, pod, policy } from "../../../test/support/cluster-fixture.js";

const web = pod("shop", "web", { app: "web" });
const api = pod("shop", "api", { app: "api" });
const denyIngress = policy("shop", "deny-ingress", "podSelector: {}\npolicyTypes: [Ingress]");
const denyEgress = policy("shop", "deny-egress", "podSelector: {}\npolicyTypes: [Egress]");

describe("NetworkPolicy isolation and policyTypes", () => {
  it("with no policy every connection is allowed", () => {
    expect(allowed(modelOf(web, api), "shop/web", "shop/api", 80)).toBe(true);
  });

  it("a policy without policyTypes isolates ingress even without ingress rules", () => {
    const m = modelOf(web, api, policy("shop", "p", "podSelector: {matchLabels: {app: api}}"));
    expect(allowed(m, "shop/web", "shop/api", 80)).toBe(false);
    expect(allowed(m, "shop/api", "shop/web", 80)).toBe(true);
  });

  it("a policy without policyTypes isolates egress only when it has egress rules", () => {
    const withRules = policy(
      "shop",
      "p",
      "podSelector: {matchLabels: {app: web}}\negress:\n  - ports: [{port: 53, protocol: UDP}]",
    );
    expect(allowed(modelOf(web, api, withRules), "shop/web", "shop/api", 80)).toBe(false);
    // len(spec.egress) == 0: `egress: []` does not add Egress to the defaulted policyTypes.
    const empty = policy("shop", "p", "podSelector: {matchLabels: {app: web}}\negress: []");
    expect(allowed(modelOf(web, api, empty), "shop/web", "shop/api", 80)).toBe(true);
    // ...but it still defaults Ingress, isolating web's ingress.
    expect(allowed(modelOf(web, api, empty), "shop/api", "shop/web", 80)).toBe(false);
  });

  it("rules for a direction not in policyTypes are ignored", () => {
    const p = policy("shop", "p", "podSelector: {matchLabels: {app: api}}\npolicyTypes: [Egress]\ningress:\n  - {}");
    // Ingress is not isolated by this policy at all, so a deny-all ingress policy is what decides.
    expect(allowed(modelOf(web, api, p, denyIngress), "shop/web", "shop/api", 80)).toBe(false);
    expect(allowed(modelOf(web, api, p), "shop/web", "shop/api", 80)).toBe(true);
  });

  it("an ingress-only policy does not isolate egress", () => {
    const m = modelOf(
      web,
      api,
      denyIngress,
      policy("shop", "allow", "podSelector: {matchLabels: {app: api}}\ningress: [{}]"),
    );
    expect(allowed(m, "shop/web", "shop/api", 80)).toBe(true);
  });

  it("the source's egress and the destination's ingress must both allow", () => {
    const allowIn = policy(
      "shop",
      "in",
      "podSelector: {matchLabels: {app: api}}\ningress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]",
    );
    expect(allowed(modelOf(web, api, denyEgress, allowIn), "shop/web", "shop/api", 80)).toBe(false);
    const allowOut = policy(
      "shop",
      "out",
      "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\negress:\n  - to: [{podSelector: {matchLabels: {app: api}}}]",
    );
    expect(allowed(modelOf(web, api, denyEgress, allowOut, denyIngress), "shop/web", "shop/api", 80)).toBe(false);
    expect(allowed(modelOf(web, api, denyEgress, allowOut, denyIngress, allowIn), "shop/web", "shop/api", 80)).toBe(
      true,
    );
  });

  it("policies are additive: the union of all policies selecting the pod decides", () => {
    const a = policy("shop", "a", "podSelector: {matchLabels: {app: api}}\ningress:\n  - ports: [{port: 80}]");
    const b = policy("shop", "b", "podSelector: {}\ningress:\n  - ports: [{port: 443}]");
    const m = modelOf(web, api, a, b);
    expect(allowed(m, "shop/web", "shop/api", 80)).toBe(true);
    expect(allowed(m, "shop/web", "shop/api", 443)).toBe(true);
    expect(allowed(m, "shop/web", "shop/api", 8080)).toBe(false);
  });

  it("ingress: [] isolates and allows nothing; ingress: [{}] allows everything", () => {
    expect(
      allowed(modelOf(web, api, policy("shop", "p", "podSelector: {}\ningress: []")), "shop/web", "shop/api", 80),
    ).toBe(false);
    const all = policy("shop", "p", "podSelector: {}\ningress: [{}]");
    expect(allowed(modelOf(web, api, all), "shop/web", "shop/api", 80)).toBe(true);
    expect(allowed(modelOf(web, api, all), "shop/web", "shop/api", 5000, "UDP")).toBe(true);
  });

  it("a policy in another namespace does not select the pod", () => {
    const m = modelOf(web, api, policy("other", "deny", "podSelector: {}\npolicyTypes: [Ingress]"));
    expect(allowed(m, "shop/web", "shop/api", 80)).toBe(true);
  });
});

describe("peers", () => {
  const db = pod("data", "db", { app: "db" });
  const dataNs = namespace("data", { team: "data" });
  const shopNs = namespace("shop", { team: "shop" });
  const other = pod("data", "web", { app: "web" });

  it("podSelector alone selects pods in the policy's namespace only", () => {
    const p = policy("data", "p", "podSelector: {}\ningress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]");
    const m = modelOf(shopNs, dataNs, web, other, db, p);
    expect(allowed(m, "shop/web", "data/db", 80)).toBe(false);
    expect(allowed(m, "data/web", "data/db", 80)).toBe(true);
  });

  it("namespaceSelector alone selects every pod of the matching namespaces", () => {
    const p = policy(
      "data",
      "p",
      "podSelector: {}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {team: shop}}}]",
    );
    const m = modelOf(shopNs, dataNs, web, api, other, db, p);
    expect(allowed(m, "shop/web", "data/db", 80)).toBe(true);
    expect(allowed(m, "shop/api", "data/db", 80)).toBe(true);
    expect(allowed(m, "data/web", "data/db", 80)).toBe(false);
  });

  it("namespaceSelector and podSelector in one peer are ANDed", () => {
    const p = policy(
      "data",
      "p",
      "podSelector: {}\ningress:\n  - from:\n      - namespaceSelector: {matchLabels: {team: shop}}\n        podSelector: {matchLabels: {app: web}}",
    );
    const m = modelOf(shopNs, dataNs, web, api, other, db, p);
    expect(allowed(m, "shop/web", "data/db", 80)).toBe(true);
    expect(allowed(m, "shop/api", "data/db", 80)).toBe(false);
    expect(allowed(m, "data/web", "data/db", 80)).toBe(false);
  });

  it("separate peers in one rule are ORed", () => {
    const p = policy(
      "data",
      "p",
      "podSelector: {}\ningress:\n  - from:\n      - namespaceSelector: {matchLabels: {team: shop}}\n      - podSelector: {matchLabels: {app: web}}",
    );
    const m = modelOf(shopNs, dataNs, web, api, other, db, p);
    expect(allowed(m, "shop/api", "data/db", 80)).toBe(true);
    expect(allowed(m, "data/web", "data/db", 80)).toBe(true);
  });

  it("empty selectors: podSelector {} is every pod of the namespace, namespaceSelector {} every namespace", () => {
    const samens = policy("data", "p", "podSelector: {}\ningress:\n  - from: [{podSelector: {}}]");
    expect(allowed(modelOf(web, other, db, samens), "shop/web", "data/db", 80)).toBe(false);
    expect(allowed(modelOf(web, other, db, samens), "data/web", "data/db", 80)).toBe(true);
    const allns = policy("data", "p", "podSelector: {}\ningress:\n  - from: [{namespaceSelector: {}}]");
    expect(allowed(modelOf(web, other, db, allns), "shop/web", "data/db", 80)).toBe(true);
  });

  it("namespaces carry kubernetes.io/metadata.name for namespaceSelector", () => {
    const p = policy(
      "data",
      "p",
      "podSelector: {}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}}]",
    );
    expect(allowed(modelOf(web, db, p), "shop/web", "data/db", 80)).toBe(true);
  });

  it("matchExpressions: In, NotIn (matches a missing key), Exists, DoesNotExist", () => {
    const a = pod("shop", "a", { tier: "front" });
    const b = pod("shop", "b", { tier: "back" });
    const c = pod("shop", "c", {});
    const target = pod("shop", "t", { role: "target" });
    const expr = (e: string) =>
      modelOf(
        a,
        b,
        c,
        target,
        policy(
          "shop",
          "p",
          `podSelector: {matchLabels: {role: target}}\ningress:\n  - from: [{podSelector: {matchExpressions: [${e}]}}]`,
        ),
      );
    const who = (e: string) => ["a", "b", "c"].filter((n) => allowed(expr(e), `shop/${n}`, "shop/t", 80));
    expect(who("{key: tier, operator: In, values: [front]}")).toEqual(["a"]);
    expect(who("{key: tier, operator: NotIn, values: [front]}")).toEqual(["b", "c"]);
    expect(who("{key: tier, operator: Exists}")).toEqual(["a", "b"]);
    expect(who("{key: tier, operator: DoesNotExist}")).toEqual(["c"]);
  });
});

describe("ipBlock", () => {
  const withIp = (name: string, ip: string) => pod("shop", name, { app: name }, `status:\n  podIP: ${ip}`);
  const gateway = policy(
    "shop",
    "egress",
    "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\negress:\n  - to: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]",
  );

  it("allows external addresses inside cidr and outside except", () => {
    const m = modelOf(web, gateway);
    expect(allowed(m, "shop/web", "203.0.113.10", 443)).toBe(true);
    expect(allowed(m, "shop/web", "203.0.113.200", 443)).toBe(false);
    expect(allowed(m, "shop/web", "198.51.100.1", 443)).toBe(false);
  });

  it("a CIDR destination is allowed only when every address in it is", () => {
    const m = modelOf(web, gateway);
    expect(allowed(m, "shop/web", "203.0.113.0/25", 443)).toBe(true);
    expect(allowed(m, "shop/web", "203.0.113.0/24", 443)).toBe(false);
    const halves = policy(
      "shop",
      "halves",
      "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\negress:\n  - to: [{ipBlock: {cidr: 203.0.113.0/25}}]\n  - to: [{ipBlock: {cidr: 203.0.113.128/25}}]",
    );
    expect(allowed(modelOf(web, halves), "shop/web", "203.0.113.0/24", 443)).toBe(true);
  });

  it("matches pod IPs when they are known, honouring except", () => {
    const rule = policy(
      "shop",
      "in",
      "podSelector: {matchLabels: {app: api}}\ningress:\n  - from: [{ipBlock: {cidr: 10.1.0.0/16, except: [10.1.2.0/24]}}]",
    );
    const m = modelOf(withIp("a", "10.1.1.5"), withIp("b", "10.1.2.5"), pod("shop", "c", { app: "c" }), api, rule);
    expect(allowed(m, "shop/a", "shop/api", 80)).toBe(true);
    expect(allowed(m, "shop/b", "shop/api", 80)).toBe(false);
    expect(allowed(m, "shop/c", "shop/api", 80)).toBe(false);
  });

  it("an IP that belongs to a known pod is that pod", () => {
    const m = modelOf(
      withIp("a", "10.1.1.5"),
      api,
      policy(
        "shop",
        "in",
        "podSelector: {matchLabels: {app: api}}\ningress:\n  - from: [{podSelector: {matchLabels: {app: a}}}]",
      ),
    );
    expect(allowed(m, "10.1.1.5", "shop/api", 80)).toBe(true);
  });

  it("IPv6 blocks match IPv6 addresses only", () => {
    const p = policy(
      "shop",
      "egress",
      "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\negress:\n  - to: [{ipBlock: {cidr: '2001:db8::/32', except: ['2001:db8:ff::/48']}}]",
    );
    const m = modelOf(web, p);
    expect(allowed(m, "shop/web", "2001:db8::1", 443)).toBe(true);
    expect(allowed(m, "shop/web", "2001:db8:ff::1", 443)).toBe(false);
    expect(allowed(m, "shop/web", "203.0.113.1", 443)).toBe(false);
  });

  it("ingress from an external address checks only the destination's ingress", () => {
    const p = policy(
      "shop",
      "in",
      "podSelector: {}\ningress:\n  - from: [{ipBlock: {cidr: 0.0.0.0/0}}]\n    ports: [{port: 443}]",
    );
    const m = modelOf(web, p);
    expect(allowed(m, "198.51.100.7", "shop/web", 443)).toBe(true);
    expect(allowed(m, "198.51.100.7", "shop/web", 80)).toBe(false);
  });
});

describe("ports", () => {
  const named = pod(
    "shop",
    "api",
    { app: "api" },
    "      ports:\n        - {name: http, containerPort: 8080}\n        - {name: dns, containerPort: 5353, protocol: UDP}",
  );
  const rule = (ports: string) =>
    policy("shop", "p", `podSelector: {matchLabels: {app: api}}\ningress:\n  - ports: ${ports}`);

  it("protocol defaults to TCP", () => {
    const m = modelOf(web, named, rule("[{port: 80}]"));
    expect(allowed(m, "shop/web", "shop/api", 80, "TCP")).toBe(true);
    expect(allowed(m, "shop/web", "shop/api", 80, "UDP")).toBe(false);
  });

  it("UDP and SCTP rules allow only their protocol", () => {
    const m = modelOf(web, named, rule("[{port: 53, protocol: UDP}, {port: 9000, protocol: SCTP}]"));
    expect(allowed(m, "shop/web", "shop/api", 53, "UDP")).toBe(true);
    expect(allowed(m, "shop/web", "shop/api", 53, "TCP")).toBe(false);
    expect(allowed(m, "shop/web", "shop/api", 9000, "SCTP")).toBe(true);
  });

  it("endPort makes an inclusive range", () => {
    const m = modelOf(web, named, rule("[{port: 8000, endPort: 8010}]"));
    expect([7999, 8000, 8005, 8010, 8011].map((p) => allowed(m, "shop/web", "shop/api", p))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
  });

  it("a named port resolves against the destination pod's container ports, protocol included", () => {
    const m = modelOf(web, named, rule("[{port: http}, {port: dns}]"));
    expect(allowed(m, "shop/web", "shop/api", 8080)).toBe(true);
    expect(allowed(m, "shop/web", "shop/api", 80)).toBe(false);
    // "dns" is a UDP container port; the rule's protocol defaults to TCP, so it matches nothing.
    expect(allowed(m, "shop/web", "shop/api", 5353, "UDP")).toBe(false);
  });

  it("an egress named port resolves against the destination, and never matches an external address", () => {
    const p = policy(
      "shop",
      "out",
      "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\negress:\n  - ports: [{port: http}]",
    );
    const m = modelOf(web, named, p);
    expect(allowed(m, "shop/web", "shop/api", 8080)).toBe(true);
    expect(allowed(m, "shop/web", "203.0.113.1", 8080)).toBe(false);
  });

  it("a rule with a protocol but no port allows every port of that protocol", () => {
    const m = modelOf(web, named, rule("[{protocol: UDP}]"));
    expect(allowed(m, "shop/web", "shop/api", 1, "UDP")).toBe(true);
    expect(allowed(m, "shop/web", "shop/api", 65535, "UDP")).toBe(true);
    expect(allowed(m, "shop/web", "shop/api", 80, "TCP")).toBe(false);
  });
});

describe("self pairs", () => {
  const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: cache, namespace: shop}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec: {containers: [{name: c, image: redis}]}`;
  const deny = policy("shop", "deny", "podSelector: {}\npolicyTypes: [Ingress, Egress]");

  it("a single pod talking to itself is loopback and always allowed", () => {
    expect(allowed(modelOf(web, deny), "shop/web", "shop/web", 80)).toBe(true);
    expect(allowed(modelOf(deployment(1), deny), "shop/cache", "shop/cache", 6379)).toBe(true);
  });

  it("replicas of one controller reaching each other are policed", () => {
    expect(allowed(modelOf(deployment(3), deny), "shop/cache", "shop/cache", 6379)).toBe(false);
    const peers = policy(
      "shop",
      "peers",
      "podSelector: {matchLabels: {app: cache}}\ningress: [{from: [{podSelector: {matchLabels: {app: cache}}}]}]\negress: [{to: [{podSelector: {matchLabels: {app: cache}}}]}]",
    );
    expect(allowed(modelOf(deployment(3), deny, peers), "shop/cache", "shop/cache", 6379)).toBe(true);
  });
});
