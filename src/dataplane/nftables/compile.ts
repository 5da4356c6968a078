import { basename } from "node:path";
import { blockCoverage } from "../../analyze/address-set.js";
import { type Cidr, parseCidr } from "../../model/cidr.js";
import { type Labels, selectorMatches } from "../../model/labels.js";
import type { Model } from "../../model/model.js";
import {
  type ClusterPolicy,
  type Direction,
  type IpBlock,
  orderedPolicies,
  type Peer,
  type PolicyRule,
} from "../../model/policy.js";
import type { ContainerPort } from "../../model/ports.js";
import { CompileError } from "../errors.js";
import { type Ipv4Range, ipv4ToInt, normalizeRanges } from "../ipv4.js";
import type { LabPlan } from "../lab-plan.js";
import { blockRanges, type Ports, portMatches, portsKey, rulePorts, subtract } from "./rule-ports.js";
import {
  type AddressSet,
  type Chain,
  type PortMatch,
  type Rule,
  type Ruleset,
  TABLE,
  type Verdict,
} from "./ruleset.js";

/**
 * Model → nftables, for the lab's router namespace, where every packet between two namespaces is forwarded once.
 * A connection passes when the source's egress and the destination's ingress both allow it. Each direction of each
 * group of pods that policies treat alike gets chains mirroring the reference evaluator: tier by tier, the policies
 * selecting the pods in order, the first matching rule deciding (allow returns, deny drops, pass goes to the next
 * tier), and a tier in which a policy isolates them ending in its default action. Peers are decided from the Model
 * as the analyzer decides them: pods by labels, service account and their own IPs (so a pod is matched by identity,
 * whatever address it has in the lab), and addresses outside the cluster by address.
 */
export function compileRuleset(model: Model, plan: LabPlan): Ruleset {
  return new Compiler(model, plan).compile();
}

const EVERY_ADDRESS: Ipv4Range = [0, 0xffffffff];

/** Pods in the lab that no policy can tell apart (same namespace, labels, service account, ports, ipBlock matches). */
type Group = {
  readonly index: number;
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  readonly serviceAccount: string;
  /** Host-network pods: AdminNetworkPolicy/ClusterNetworkPolicy neither select them nor match them as pod peers. */
  readonly hostNetwork: boolean;
  readonly ports: readonly ContainerPort[];
  /** The named ports, as a key: ingress rules resolve named ports against them. */
  readonly namedKey: string;
  readonly ips: readonly Cidr[];
  readonly addresses: number[];
  readonly workloads: string[];
};

/** A rule's peers in one set (or any peer), with its port matches: one nft rule per match. */
type Target = {
  readonly peers?: AddressSet;
  readonly externalOnly: boolean;
  readonly matches: readonly (PortMatch | undefined)[];
};

function chainBase(workload: string): string {
  return workload.replace(/[^A-Za-z0-9]/g, (c) => (c === "/" ? "." : "_"));
}

function labelsKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

function blockId(block: IpBlock): string {
  return [block.cidr.text, ...block.except.map((e) => e.text)].join(" ");
}

const WHOLE = (external: readonly Ipv4Range[]) =>
  external.length === 1 && external[0]?.[0] === 0 && external[0][1] === 0xffffffff;

type Peers = { readonly groups: readonly Group[]; readonly external: readonly Ipv4Range[] };

class Compiler {
  private readonly groups: Group[] = [];
  private readonly byNamespace = new Map<string, Group[]>();
  private readonly ordered: ClusterPolicy[];
  private readonly policiesByNamespace = new Map<string, ClusterPolicy[]>();
  private readonly sets = new Map<string, AddressSet>();
  private readonly chains: Chain[] = [];
  private readonly chainByBody = new Map<string, Chain>();
  private readonly entryByKey = new Map<string, Chain>();
  private readonly chainNames = new Set<string>();
  private readonly pods: AddressSet;
  private readonly targetCache = new Map<PolicyRule, Map<string, readonly Target[]>>();
  private readonly peerCache = new Map<PolicyRule, Peers>();
  /** Ids of the ipBlocks each group's pods are in, by their own IPs. */
  private readonly inBlocks = new Map<Group, ReadonlySet<string>>();

  constructor(
    private readonly model: Model,
    plan: LabPlan,
  ) {
    this.ordered = orderedPolicies(model.policies);
    const blocks = this.blocks();
    const byKey = new Map<string, Group>();
    for (const p of plan.pods) {
      const pod = model.pods[p.pod];
      const address = ipv4ToInt(p.address);
      if (pod === undefined || address === undefined)
        throw new CompileError(p.netns, `pod ${p.pod} (${p.address}) is not in the model or has no IPv4 address`);
      const ips = pod.ips.map((ip) => parseCidr(ip));
      const member = new Set<string>();
      if (ips.length > 0)
        for (const [id, b] of blocks) if (ips.some((ip) => blockCoverage(b, ip).length > 0)) member.add(id);
      const named = pod.ports
        .filter((x) => x.name !== undefined)
        .map((x) => `${x.name}/${x.protocol}/${x.port}`)
        .sort();
      const key = JSON.stringify([
        pod.namespace,
        labelsKey(pod.labels),
        pod.serviceAccount,
        pod.hostNetwork,
        named,
        [...member].sort(),
      ]);
      let group = byKey.get(key);
      if (group === undefined) {
        group = {
          index: this.groups.length,
          namespace: pod.namespace,
          namespaceLabels: model.namespaces.get(pod.namespace)?.labels ?? {},
          labels: pod.labels,
          serviceAccount: pod.serviceAccount,
          hostNetwork: pod.hostNetwork,
          ports: pod.ports,
          namedKey: named.join(","),
          ips,
          addresses: [],
          workloads: [],
        };
        byKey.set(key, group);
        this.groups.push(group);
        this.inBlocks.set(group, member);
        const list = this.byNamespace.get(group.namespace) ?? [];
        list.push(group);
        this.byNamespace.set(group.namespace, list);
      }
      group.addresses.push(address);
      if (!group.workloads.includes(p.workload)) group.workloads.push(p.workload);
    }
    this.pods = this.set(this.groups, [], "pods");
  }

  private blocks(): Map<string, IpBlock> {
    const out = new Map<string, IpBlock>();
    for (const policy of this.model.policies)
      for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])])
        for (const peer of [...(rule.peers === "any" ? [] : rule.peers), ...(rule.notPeers ?? [])])
          if (peer.kind === "ipBlock") out.set(blockId(peer.block), peer.block);
    return out;
  }

  compile(): Ruleset {
    for (const direction of ["egress", "ingress"] as const)
      for (const group of this.groups) this.compileGroup(direction, group);
    return {
      table: TABLE,
      pods: this.pods,
      sets: [...this.sets.values()].filter((s) => s !== this.pods),
      chains: this.chains,
    };
  }

  /** Policies that may select pods of a namespace: its own, and those scoped by a namespace selector. */
  private candidates(namespace: string): ClusterPolicy[] {
    let list = this.policiesByNamespace.get(namespace);
    if (list === undefined) {
      list = this.ordered.filter((p) => p.namespaceSelector !== undefined || p.namespace === namespace);
      this.policiesByNamespace.set(namespace, list);
    }
    return list;
  }

  private selects(policy: ClusterPolicy, group: Group): boolean {
    const inScope =
      policy.namespaceSelector === undefined
        ? policy.namespace === group.namespace
        : selectorMatches(policy.namespaceSelector, group.namespaceLabels);
    if (!inScope || !selectorMatches(policy.podSelector, group.labels)) return false;
    // network-policy-api types: host-network pods are not subjects of AdminNetworkPolicy / ClusterNetworkPolicy.
    if (policy.excludesHostNetwork === true && group.hostNetwork) return false;
    return policy.serviceAccounts === undefined || policy.serviceAccounts.includes(group.serviceAccount);
  }

  private compileGroup(direction: Direction, group: Group): void {
    const selecting = this.candidates(group.namespace).filter(
      (p) => p[direction] !== undefined && this.selects(p, group),
    );
    if (selecting.length === 0) return; // nothing decides: allowed, no chain
    // Groups selected by the same policies get the same chains (ingress also needs the same named ports).
    const key = `${direction} ${direction === "ingress" ? group.namedKey : ""} ${selecting.map((p) => this.ordered.indexOf(p)).join(",")}`;
    const known = this.entryByKey.get(key);
    if (known !== undefined) {
      this.join(known, group, true);
      return;
    }
    const tiers: ClusterPolicy[][] = [];
    for (const p of selecting) {
      const last = tiers[tiers.length - 1];
      if (last !== undefined && last[0]?.tier === p.tier) last.push(p);
      else tiers.push([p]);
    }
    // Built from the last tier back, so each chain can name the next one; equal chains are shared.
    let next: Chain | undefined;
    for (let t = tiers.length - 1; t >= 0; t--) {
      const policies = tiers[t] as ClusterPolicy[];
      const onward: Verdict = next === undefined ? { kind: "return" } : { kind: "goto", chain: next.name };
      const rules: Rule[] = [];
      for (const policy of policies)
        (policy[direction] ?? []).forEach((rule, i) => {
          if (rule.action === "log") return;
          const verdict: Verdict =
            rule.action === "allow" ? { kind: "return" } : rule.action === "deny" ? { kind: "drop" } : onward;
          const where = `${basename(policy.source.file)}:${rule.source.line}`;
          const comment = `${policy.namespace ? `${policy.namespace}/` : ""}${policy.name} ${direction}[${i}] ${rule.action} ${where}`;
          rules.push(...this.ruleFor(direction, rule, group, verdict, comment));
        });
      const tier = policies[0]?.tier;
      // Calico "Tier": a tier whose policies isolate the pod and take no action drops (defaultAction Deny).
      const isolates = policies.some((p) => p.isolates[direction]);
      const end: Verdict = isolates && tier?.defaultAction === "deny" ? { kind: "drop" } : onward;
      next = this.chain(direction, tier?.name ?? "default", group, rules, end, t === 0);
    }
    if (next !== undefined) this.entryByKey.set(key, next);
  }

  private join(chain: Chain, group: Group, entry: boolean): void {
    for (const w of group.workloads) if (!chain.workloads.includes(w)) (chain.workloads as string[]).push(w);
    if (entry) (chain.members as number[]).push(...group.addresses);
  }

  private chain(direction: Direction, tier: string, group: Group, rules: Rule[], end: Verdict, entry: boolean): Chain {
    const body = JSON.stringify([direction, rules, end]);
    const existing = this.chainByBody.get(body);
    if (existing !== undefined) {
      this.join(existing, group, entry);
      return existing;
    }
    const base = `${direction === "ingress" ? "in" : "eg"}_${chainBase(group.workloads[0] ?? `group${group.index}`)}`;
    let name = base;
    for (let i = 2; this.chainNames.has(name); i++) name = `${base}_${i}`;
    this.chainNames.add(name);
    const chain: Chain = {
      name,
      direction,
      tier,
      workloads: [...group.workloads],
      members: entry ? [...group.addresses] : [],
      rules,
      end,
    };
    this.chainByBody.set(body, chain);
    this.chains.push(chain);
    return chain;
  }

  /** The named set holding these groups' pod addresses and these external ranges (shared when equal). */
  private set(groups: readonly Group[], external: readonly Ipv4Range[], name?: string): AddressSet {
    const key = `${groups
      .map((g) => g.index)
      .sort((a, b) => a - b)
      .join(",")}|${external.map(([s, e]) => `${s}-${e}`).join(",")}`;
    let set = this.sets.get(key);
    if (set === undefined) {
      const ranges: Ipv4Range[] = [...external];
      for (const g of groups) for (const a of g.addresses) ranges.push([a, a]);
      // The first set made is every pod in the lab (the constructor asks for it first).
      set = { name: name ?? `peers_${this.sets.size}`, ranges: normalizeRanges(ranges) };
      this.sets.set(key, set);
    }
    return set;
  }

  /** Groups a peer selects. Mirrors the reference evaluator's peerMatchesPod (NetworkPolicy ANDs namespace and pod selectors). */
  private peerGroups(peer: Peer): readonly Group[] {
    switch (peer.kind) {
      case "ipBlock": {
        if (peer.externalOnly === true) return [];
        const id = blockId(peer.block);
        return this.groups.filter((g) => this.inBlocks.get(g)?.has(id));
      }
      case "pods": {
        const scope = peer.namespaces;
        const namespaces =
          scope.kind === "same"
            ? [scope.namespace]
            : [...this.byNamespace.keys()].filter((ns) =>
                selectorMatches(scope.selector, this.model.namespaces.get(ns)?.labels ?? {}),
              );
        const accounts = peer.serviceAccounts;
        return namespaces.flatMap((ns) =>
          (this.byNamespace.get(ns) ?? []).filter(
            (g) =>
              selectorMatches(peer.pods, g.labels) &&
              (accounts === undefined || accounts.includes(g.serviceAccount)) &&
              !(peer.excludesHostNetwork === true && g.hostNetwork),
          ),
        );
      }
      case "entity":
        return peer.entity === "cluster" || peer.entity === "all" ? this.groups : [];
      case "fqdn":
      case "nodes":
        return [];
    }
  }

  /** The addresses outside the cluster a peer matches; a DNS name has no address in the lab. */
  private peerExternal(peer: Peer): Ipv4Range[] {
    switch (peer.kind) {
      case "ipBlock":
        return blockRanges(peer.block);
      case "entity":
        return peer.entity === "world" || peer.entity === "all" ? [EVERY_ADDRESS] : [];
      default:
        return [];
    }
  }

  /** The groups and external addresses a rule's peers match, less those its notPeers match. */
  private peersOf(rule: PolicyRule): Peers {
    let peers = this.peerCache.get(rule);
    if (peers === undefined) {
      peers = this.computePeers(rule);
      this.peerCache.set(rule, peers);
    }
    return peers;
  }

  private computePeers(rule: PolicyRule): Peers {
    let groups: readonly Group[];
    let external: Ipv4Range[];
    if (rule.peers === "any") {
      groups = this.groups;
      external = [EVERY_ADDRESS];
    } else {
      const matched = new Set<Group>();
      for (const p of rule.peers) for (const g of this.peerGroups(p)) matched.add(g);
      groups = this.groups.filter((g) => matched.has(g));
      external = normalizeRanges(rule.peers.flatMap((p) => this.peerExternal(p)));
    }
    const not = rule.notPeers ?? [];
    if (not.length > 0) {
      const excluded = new Set<Group>();
      for (const p of not) for (const g of this.peerGroups(p)) excluded.add(g);
      groups = groups.filter((g) => !excluded.has(g));
      external = subtract(external, normalizeRanges(not.flatMap((p) => this.peerExternal(p))));
    }
    return { groups, external };
  }

  private ruleFor(direction: Direction, rule: PolicyRule, self: Group, verdict: Verdict, comment: string): Rule[] {
    const out: Rule[] = [];
    for (const t of this.targets(direction, rule, self))
      for (const match of t.matches)
        out.push({
          ...(t.peers === undefined ? {} : { peers: t.peers.name }),
          externalOnly: t.externalOnly,
          ...(match === undefined ? {} : { match }),
          verdict,
          comment,
        });
    return out;
  }

  /** What a rule matches, as peer sets and port matches; cached per rule (and, for ingress, per named ports). */
  private targets(direction: Direction, rule: PolicyRule, self: Group): readonly Target[] {
    const key = direction === "ingress" ? `in ${self.namedKey}` : "eg";
    let byKey = this.targetCache.get(rule);
    if (byKey === undefined) {
      byKey = new Map();
      this.targetCache.set(rule, byKey);
    }
    let targets = byKey.get(key);
    if (targets === undefined) {
      targets = this.computeTargets(direction, rule, self);
      byKey.set(key, targets);
    }
    return targets;
  }

  private computeTargets(direction: Direction, rule: PolicyRule, self: Group): Target[] {
    const { groups, external } = this.peersOf(rule);
    const whole = WHOLE(external);
    const everyone = groups.length === this.groups.length && whole;
    const out: Target[] = [];
    const emit = (ports: Ports, peers: AddressSet | undefined, externalOnly: boolean) => {
      if (peers !== undefined && peers.ranges.length === 0) return;
      const matches = portMatches(ports);
      if (matches.length > 0) out.push({ ...(peers === undefined ? {} : { peers }), externalOnly, matches });
    };
    if (direction === "ingress") {
      // The destination is this group: named ports resolve against its ports, whoever the peer is.
      const ports = rulePorts(rule, self.ports);
      if (everyone) emit(ports, undefined, false);
      else {
        if (groups.length > 0) emit(ports, this.set(groups, []), false);
        if (external.length > 0) emit(ports, this.set([], external), true);
      }
      return out;
    }
    const named = [...(rule.ports === "all" ? [] : rule.ports), ...(rule.notPorts ?? [])].some(
      (p) => typeof p.port === "string",
    );
    if (everyone && !named) {
      emit(rulePorts(rule, []), undefined, false);
      return out;
    }
    // Named ports resolve per destination pod: one rule per set of destinations that resolve them alike.
    const byPorts = new Map<string, { ports: Ports; groups: Group[] }>();
    for (const g of groups) {
      const ports = named ? rulePorts(rule, g.ports) : rulePorts(rule, []);
      const k = named ? portsKey(ports) : "";
      const entry = byPorts.get(k) ?? { ports, groups: [] };
      entry.groups.push(g);
      byPorts.set(k, entry);
    }
    for (const { ports, groups: to } of byPorts.values()) emit(ports, this.set(to, []), false);
    // Outside the cluster there are no container ports: a named port matches nothing there.
    if (external.length > 0) emit(rulePorts(rule, []), whole ? undefined : this.set([], external), true);
    return out;
  }
}
