import fc from "fast-check";
import { parseCidr } from "../../src/model/cidr.js";
import type { Namespace, Pod, Workload } from "../../src/model/endpoint.js";
import type { LabelRequirement, LabelSelector, Labels } from "../../src/model/labels.js";
import type { Model } from "../../src/model/model.js";
import {
  ADMIN_TIER,
  BASELINE_TIER,
  type ClusterPolicy,
  DEFAULT_TIER,
  DENY_FIRST_ORDER,
  ENTITIES,
  NETWORK_POLICY_ORDER,
  type Peer,
  type PolicyRule,
  type RuleAction,
} from "../../src/model/policy.js";
import type { ContainerPort, PortSpec, Protocol } from "../../src/model/ports.js";

/**
 * Small random clusters for property tests: few label keys and values, overlapping ipBlocks, named ports,
 * so that selectors, excepts and named-port resolution collide often.
 */
const NAMESPACES = ["alpha", "beta", "gamma"] as const;
const KEYS = ["app", "tier", "team"] as const;
const VALUES = ["a", "b", "c"] as const;
const PROTOCOLS: Protocol[] = ["TCP", "UDP", "SCTP"];
const PORT_NAMES = ["http", "dns", "metrics"] as const;
const NUMBERS = [53, 80, 443, 8080] as const;
const CIDRS = ["10.0.0.0/29", "10.0.0.0/30", "10.0.0.4/31", "0.0.0.0/0", "10.0.0.5/32", "fd00::/126", "::/0"] as const;
const POD_IPS = ["10.0.0.1", "10.0.0.4", "10.0.0.5", "10.0.0.9", "fd00::1", "fd00::5"] as const;

/** Ports worth probing: every number used above, a neighbour of each, and the extremes. */
export const PROBE_PORTS: readonly { port: number; protocol: Protocol }[] = PROTOCOLS.flatMap((protocol) =>
  [1, 52, 53, 79, 80, 81, 443, 444, 8080, 9000, 65535].map((port) => ({ port, protocol })),
);

const ref = (kind: string, name: string, namespace?: string) => ({
  kind,
  name,
  file: "random.yaml",
  line: 1,
  ...(namespace === undefined ? {} : { namespace }),
});

const labelsArb: fc.Arbitrary<Labels> = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), {
  maxKeys: 3,
});

const requirementArb: fc.Arbitrary<LabelRequirement> = fc.oneof(
  fc.record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom("In" as const, "NotIn" as const),
    values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom("Exists" as const, "DoesNotExist" as const),
    values: fc.constant([] as string[]),
  }),
);

const selectorArb: fc.Arbitrary<LabelSelector> = fc.record({
  matchLabels: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 }),
  matchExpressions: fc.array(requirementArb, { maxLength: 2 }),
});

const portSpecArb: fc.Arbitrary<PortSpec> = fc.oneof(
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS) }),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom(...NUMBERS) }),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constant(53), endPort: fc.constantFrom(80, 443) }),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom(...PORT_NAMES) }),
);

const ipBlockArb = fc
  .tuple(fc.constantFrom(...CIDRS), fc.subarray([...CIDRS], { maxLength: 2 }))
  .map(([cidr, except]) => {
    const outer = parseCidr(cidr);
    // Keep only excepts that are strict subsets, as the API server requires.
    const inner = except
      .map((e) => parseCidr(e))
      .filter(
        (e) => e.family === outer.family && e.prefix > outer.prefix && e.start >= outer.start && e.end <= outer.end,
      );
    return { cidr: outer, except: inner };
  });

function peerArb(namespace: string): fc.Arbitrary<Peer> {
  return fc.oneof(
    selectorArb.map((pods): Peer => ({ kind: "pods", namespaces: { kind: "same", namespace }, pods, line: 1 })),
    fc
      .tuple(selectorArb, selectorArb)
      .map(([ns, pods]): Peer => ({ kind: "pods", namespaces: { kind: "selector", selector: ns }, pods, line: 1 })),
    ipBlockArb.map((block): Peer => ({ kind: "ipBlock", block, line: 1 })),
  );
}

function rulesArb(
  namespace: string,
  name: string,
  actions: readonly RuleAction[] = ["allow"],
  extraPeers = false,
): fc.Arbitrary<PolicyRule[] | undefined> {
  const peer = extraPeers
    ? fc.oneof(
        peerArb(namespace),
        fc.constantFrom(...ENTITIES).map((entity): Peer => ({ kind: "entity", entity, line: 1 })),
        ipBlockArb.map((block): Peer => ({ kind: "ipBlock", block, externalOnly: true, line: 1 })),
      )
    : peerArb(namespace);
  const rule = fc
    .record({
      action: fc.constantFrom(...actions),
      peers: fc.oneof(fc.constant("any" as const), fc.array(peer, { minLength: 1, maxLength: 2 })),
      ports: fc.oneof(fc.constant("all" as const), fc.array(portSpecArb, { minLength: 1, maxLength: 2 })),
      notPeers: fc.option(fc.array(peerArb(namespace), { minLength: 1, maxLength: 1 }), { nil: undefined }),
      notPorts: fc.option(fc.array(portSpecArb, { minLength: 1, maxLength: 1 }), { nil: undefined }),
      source: fc.constant(ref("NetworkPolicy", name, namespace)),
    })
    .map(({ notPeers, notPorts, ...r }): PolicyRule => {
      if (!extraPeers) return r;
      return { ...r, ...(notPeers === undefined ? {} : { notPeers }), ...(notPorts === undefined ? {} : { notPorts }) };
    });
  return fc.option(fc.array(rule, { maxLength: 3 }), { nil: undefined });
}

const policyArb = (index: number): fc.Arbitrary<ClusterPolicy> =>
  fc.constantFrom(...NAMESPACES).chain((namespace) => {
    const name = `policy-${index}`;
    return fc
      .record({ podSelector: selectorArb, ingress: rulesArb(namespace, name), egress: rulesArb(namespace, name) })
      .map(({ podSelector, ingress, egress }) => ({
        namespace,
        name,
        podSelector,
        ...(ingress === undefined ? {} : { ingress }),
        ...(egress === undefined ? {} : { egress }),
        tier: DEFAULT_TIER,
        order: NETWORK_POLICY_ORDER,
        isolates: { ingress: ingress !== undefined, egress: egress !== undefined },
        source: ref("NetworkPolicy", name, namespace),
      }));
  });

/**
 * A policy of any kind, in the general form: an AdminNetworkPolicy (priority 0..3, Allow/Deny/Pass, cluster-scoped),
 * a NetworkPolicy, a Cilium-style deny-first policy in the NetworkPolicy tier (with entities and CIDRs outside the
 * cluster), a Calico-style ordered policy (Allow/Deny/Pass/Log, notNets/notPorts) or the BaselineAdminNetworkPolicy.
 */
const mixedPolicyArb = (index: number, hostNetworkRules = false): fc.Arbitrary<ClusterPolicy> =>
  fc
    .tuple(
      fc.constantFrom("anp", "np", "cilium-deny", "cilium-allow", "calico", "banp"),
      fc.constantFrom(...NAMESPACES),
      fc.integer({ min: 0, max: 3 }),
      fc.boolean(),
    )
    .chain(([kind, namespace, priority, flag]) => {
      const name = `${kind}-${index}`;
      if (kind === "np") return policyArb(index);
      const clusterScoped = kind === "anp" || kind === "banp" || flag;
      const actions: RuleAction[] =
        kind === "anp"
          ? ["allow", "deny", "pass"]
          : kind === "banp"
            ? ["allow", "deny"]
            : kind === "cilium-deny"
              ? ["deny"]
              : kind === "cilium-allow"
                ? ["allow"]
                : ["allow", "deny", "pass", "log"];
      const tier = kind === "anp" ? ADMIN_TIER : kind === "banp" ? BASELINE_TIER : DEFAULT_TIER;
      const order =
        kind === "cilium-deny" ? DENY_FIRST_ORDER : kind.startsWith("cilium") ? NETWORK_POLICY_ORDER : priority * 500;
      return fc
        .record({
          podSelector: selectorArb,
          namespaceSelector: selectorArb,
          ingress: rulesArb(namespace, name, actions, true),
          egress: rulesArb(namespace, name, actions, true),
          optOut: fc.boolean(),
        })
        .map(({ podSelector, namespaceSelector, ingress, egress, optOut }): ClusterPolicy => {
          const isolating = kind === "calico" || kind.startsWith("cilium");
          // AdminNetworkPolicy / BaselineAdminNetworkPolicy leave host-network pods out of subject and pod peers.
          const excludes = hostNetworkRules && (kind === "anp" || kind === "banp");
          const mark = (rules: PolicyRule[] | undefined) =>
            rules?.map((r) =>
              r.peers === "any"
                ? r
                : { ...r, peers: r.peers.map((p) => (p.kind === "pods" ? { ...p, excludesHostNetwork: true } : p)) },
            );
          const inRules = excludes ? mark(ingress) : ingress;
          const outRules = excludes ? mark(egress) : egress;
          return {
            ...(excludes ? { excludesHostNetwork: true } : {}),
            namespace: clusterScoped ? "" : namespace,
            name,
            podSelector,
            ...(clusterScoped ? { namespaceSelector } : {}),
            ...(inRules === undefined ? {} : { ingress: inRules }),
            ...(outRules === undefined ? {} : { egress: outRules }),
            tier,
            order,
            // enableDefaultDeny: false opts a Cilium policy out of isolating.
            isolates: {
              ingress: isolating && ingress !== undefined && !(kind === "cilium-allow" && optOut),
              egress: isolating && egress !== undefined && !(kind === "cilium-allow" && optOut),
            },
            source: ref(kind, name, clusterScoped ? undefined : namespace),
          };
        });
    });

const containerPortArb: fc.Arbitrary<ContainerPort> = fc.record(
  { name: fc.constantFrom(...PORT_NAMES), port: fc.constantFrom(...NUMBERS), protocol: fc.constantFrom(...PROTOCOLS) },
  { requiredKeys: ["port", "protocol"] },
);

const podArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  labels: labelsArb,
  ips: fc.subarray([...POD_IPS], { maxLength: 2 }),
  ports: fc.array(containerPortArb, { maxLength: 3 }),
  single: fc.boolean(),
});

/** A random cluster: up to 7 pods (each its own workload) and up to 6 NetworkPolicies. */
export const randomCluster: fc.Arbitrary<Model> = clusterOf(policyArb);

/** A random cluster with policies of every kind mixed: ANP, NetworkPolicy, Cilium deny, Calico-style, BANP. */
export const randomMixedCluster: fc.Arbitrary<Model> = clusterOf(mixedPolicyArb);

/** Mixed clusters with host-network pods, which AdminNetworkPolicy subjects and pod peers leave out. */
export const randomHostNetworkCluster: fc.Arbitrary<Model> = clusterOf((i) => mixedPolicyArb(i, true), true);

function clusterOf(policy: (index: number) => fc.Arbitrary<ClusterPolicy>, hostNetwork = false): fc.Arbitrary<Model> {
  return fc
    .record({
      namespaceLabels: fc.tuple(labelsArb, labelsArb, labelsArb),
      pods: fc.array(
        fc.record({ pod: podArb, hostNetwork: hostNetwork ? fc.boolean() : fc.constant(false) }).map((p) => ({
          ...p.pod,
          hostNetwork: p.hostNetwork,
        })),
        { minLength: 1, maxLength: 7 },
      ),
      policyCount: fc.integer({ min: 0, max: 6 }),
    })
    .chain(({ namespaceLabels, pods, policyCount }) =>
      fc.tuple(...Array.from({ length: policyCount }, (_, i) => policy(i))).map((policies) => {
        const namespaces = new Map<string, Namespace>(
          NAMESPACES.map((name, i) => [
            name,
            { name, labels: { ...namespaceLabels[i], "kubernetes.io/metadata.name": name } },
          ]),
        );
        const podList: Pod[] = pods.map((p, i) => ({
          namespace: p.namespace,
          name: `pod-${i}`,
          labels: p.labels,
          ips: p.ips,
          ports: p.ports,
          serviceAccount: "default",
          hostNetwork: p.hostNetwork,
          workload: `${p.namespace}/pod-${i}`,
          fromTemplate: false,
          source: ref("Pod", `pod-${i}`, p.namespace),
        }));
        const workloads: Workload[] = pods.map((p, i) => ({
          id: `${p.namespace}/pod-${i}`,
          namespace: p.namespace,
          name: `pod-${i}`,
          kind: "Pod",
          pods: [i],
          single: p.single,
          source: ref("Pod", `pod-${i}`, p.namespace),
        }));
        const model: Model = {
          namespaces,
          pods: podList,
          workloads,
          policies,
          services: [],
          serviceAccounts: [],
          ignored: [],
          warnings: [],
        };
        return model;
      }),
    );
}
