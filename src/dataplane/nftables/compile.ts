import { basename } from "node:path";
import { blockCoverage } from "../../analyze/address-set.js";
import { MAX_PORT, type PortSet, portSetKey, portSetOf, type Ranges } from "../../analyze/port-set.js";
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
import { type ContainerPort, type PortSpec, PROTOCOLS, resolveNamedPort } from "../../model/ports.js";
import { CompileError } from "../errors.js";
import { type Ipv4Range, ipv4ToInt, normalizeRanges } from "../ipv4.js";
import type { LabPlan } from "../lab-plan.js";
import { type AddressSet, type Chain, type Rule, type Ruleset, TABLE, type Verdict } from "./ruleset.js";

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
  readonly ports: readonly ContainerPort[];
  readonly ips: readonly Cidr[];
  readonly addresses: number[];
  readonly workloads: string[];
};

/** What a rule's ports allow, after its notPorts: ranges per protocol, and whether other protocols match. */
type Ports = { readonly set: PortSet; readonly other: boolean };

function blockRanges(block: IpBlock): Ipv4Range[] {
  if (block.cidr.family !== 4) return [];
  let out: Ipv4Range[] = [[Number(block.cidr.start), Number(block.cidr.end)]];
  for (const ex of block.except) {
    if (ex.family !== 4) continue;
    out = subtract(out, [[Number(ex.start), Number(ex.end)]]);
  }
  return out;
}

function subtract(ranges: readonly Ipv4Range[], cuts: readonly Ipv4Range[]): Ipv4Range[] {
  let out: Ipv4Range[] = [...ranges];
  for (const [s, e] of cuts)
    out = out.flatMap(([a, b]): Ipv4Range[] => {
      if (e < a || s > b) return [[a, b]];
      const pieces: Ipv4Range[] = [];
      if (a < s) pieces.push([a, s - 1]);
      if (b > e) pieces.push([e + 1, b]);
      return pieces;
    });
  return out;
}

function subtractPorts(a: Ranges, b: Ranges): Ranges {
  return subtract(a, b);
}

function specEntries(specs: readonly PortSpec[], destination: readonly ContainerPort[]) {
  const out: { protocol: (typeof PROTOCOLS)[number]; start: number; end: number }[] = [];
  for (const spec of specs) {
    if (spec.port === undefined) out.push({ protocol: spec.protocol, start: 1, end: MAX_PORT });
    else if (typeof spec.port === "number")
      out.push({ protocol: spec.protocol, start: spec.port, end: spec.endPort ?? spec.port });
    else
      for (const port of resolveNamedPort(spec.port, spec.protocol, destination))
        out.push({ protocol: spec.protocol, start: port, end: port });
  }
  return out;
}

/** The ports a rule matches to a destination with these container ports (named ports resolve against them). */
function rulePorts(rule: PolicyRule, destination: readonly ContainerPort[]): Ports {
  const all = rule.ports === "all";
  const base =
    rule.ports === "all"
      ? portSetOf(PROTOCOLS.map((protocol) => ({ protocol, start: 1, end: MAX_PORT })))
      : portSetOf(specEntries(rule.ports, destination));
  if (rule.notPorts === undefined || rule.notPorts.length === 0) return { set: base, other: all };
  const not = portSetOf(specEntries(rule.notPorts, destination));
  return {
    set: {
      TCP: subtractPorts(base.TCP, not.TCP),
      UDP: subtractPorts(base.UDP, not.UDP),
      SCTP: subtractPorts(base.SCTP, not.SCTP),
    },
    other: all,
  };
}

function portsKey(p: Ports): string {
  return `${portSetKey(p.set)}|${p.other}`;
}

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

class Compiler {
  private readonly groups: Group[] = [];
  private readonly ordered: ClusterPolicy[];
  private readonly sets = new Map<string, AddressSet>();
  private readonly chains: Chain[] = [];
  private readonly chainByBody = new Map<string, Chain>();
  private readonly chainNames = new Set<string>();
  private readonly pods: AddressSet;

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
      const inBlocks = blocks.map((b) => (ips.some((ip) => blockCoverage(b, ip).length > 0) ? 1 : 0)).join("");
      const named = pod.ports
        .filter((x) => x.name !== undefined)
        .map((x) => `${x.name}/${x.protocol}/${x.port}`)
        .sort();
      const key = JSON.stringify([pod.namespace, labelsKey(pod.labels), pod.serviceAccount, named, inBlocks]);
      let group = byKey.get(key);
      if (group === undefined) {
        group = {
          index: this.groups.length,
          namespace: pod.namespace,
          namespaceLabels: model.namespaces.get(pod.namespace)?.labels ?? {},
          labels: pod.labels,
          serviceAccount: pod.serviceAccount,
          ports: pod.ports,
          ips,
          addresses: [],
          workloads: [],
        };
        byKey.set(key, group);
        this.groups.push(group);
      }
      group.addresses.push(address);
      if (!group.workloads.includes(p.workload)) group.workloads.push(p.workload);
    }
    this.pods = this.set(this.groups, [], "pods");
  }

  private blocks(): IpBlock[] {
    const out: IpBlock[] = [];
    for (const policy of this.model.policies)
      for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])])
        for (const peer of [...(rule.peers === "any" ? [] : rule.peers), ...(rule.notPeers ?? [])])
          if (peer.kind === "ipBlock") out.push(peer.block);
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

  private selects(policy: ClusterPolicy, group: Group): boolean {
    const inScope =
      policy.namespaceSelector === undefined
        ? policy.namespace === group.namespace
        : selectorMatches(policy.namespaceSelector, group.namespaceLabels);
    if (!inScope || !selectorMatches(policy.podSelector, group.labels)) return false;
    const accounts = (policy as { readonly serviceAccounts?: readonly string[] }).serviceAccounts;
    return accounts === undefined || accounts.includes(group.serviceAccount);
  }

  private compileGroup(direction: Direction, group: Group): void {
    const selecting = this.ordered.filter((p) => p[direction] !== undefined && this.selects(p, group));
    if (selecting.length === 0) return; // nothing decides: allowed, no chain
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
  }

  private chain(direction: Direction, tier: string, group: Group, rules: Rule[], end: Verdict, entry: boolean): Chain {
    const body = JSON.stringify([direction, rules, end]);
    const existing = this.chainByBody.get(body);
    if (existing !== undefined) {
      for (const w of group.workloads) if (!existing.workloads.includes(w)) (existing.workloads as string[]).push(w);
      if (entry) (existing.members as number[]).push(...group.addresses);
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
    const ranges: Ipv4Range[] = [...external];
    for (const g of groups) for (const a of g.addresses) ranges.push([a, a]);
    const normalized = normalizeRanges(ranges);
    const key = normalized.map(([s, e]) => `${s}-${e}`).join(",");
    let set = this.sets.get(key);
    if (set === undefined) {
      set = { name: name ?? `peers_${this.sets.size}`, ranges: normalized };
      this.sets.set(key, set);
    }
    return set;
  }

  // Mirrors the reference evaluator's peerMatchesPod: NetworkPolicy ANDs namespaceSelector and podSelector in a peer.
  private peerMatchesGroup(peer: Peer, g: Group): boolean {
    switch (peer.kind) {
      case "ipBlock":
        return peer.externalOnly !== true && g.ips.some((ip) => blockCoverage(peer.block, ip).length > 0);
      case "pods": {
        const scope = peer.namespaces;
        const inScope =
          scope.kind === "same" ? g.namespace === scope.namespace : selectorMatches(scope.selector, g.namespaceLabels);
        if (!inScope || !selectorMatches(peer.pods, g.labels)) return false;
        return peer.serviceAccounts === undefined || peer.serviceAccounts.includes(g.serviceAccount);
      }
      case "entity":
        return peer.entity === "cluster" || peer.entity === "all";
      case "fqdn":
      case "nodes":
        return false;
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
  private peersOf(rule: PolicyRule): { groups: Group[]; external: Ipv4Range[] } {
    let groups: Group[];
    let external: Ipv4Range[];
    if (rule.peers === "any") {
      groups = this.groups;
      external = [EVERY_ADDRESS];
    } else {
      const peers = rule.peers;
      groups = this.groups.filter((g) => peers.some((p) => this.peerMatchesGroup(p, g)));
      external = normalizeRanges(peers.flatMap((p) => this.peerExternal(p)));
    }
    const not = rule.notPeers ?? [];
    if (not.length > 0) {
      groups = groups.filter((g) => !not.some((p) => this.peerMatchesGroup(p, g)));
      external = subtract(external, normalizeRanges(not.flatMap((p) => this.peerExternal(p))));
    }
    return { groups, external };
  }

  private ruleFor(direction: Direction, rule: PolicyRule, self: Group, verdict: Verdict, comment: string): Rule[] {
    const { groups, external } = this.peersOf(rule);
    const everyone =
      groups.length === this.groups.length &&
      external.length === 1 &&
      external[0]?.[0] === 0 &&
      external[0][1] === 0xffffffff;
    const out: Rule[] = [];
    const emit = (ports: Ports, peers: AddressSet | undefined, externalOnly: boolean) =>
      out.push(...this.portRules(ports, peers, externalOnly, verdict, comment));
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
      const ports = rulePorts(rule, g.ports);
      const key = portsKey(ports);
      const entry = byPorts.get(key) ?? { ports, groups: [] };
      entry.groups.push(g);
      byPorts.set(key, entry);
    }
    for (const { ports, groups: to } of byPorts.values()) emit(ports, this.set(to, []), false);
    // Outside the cluster there are no container ports: a named port matches nothing there.
    if (external.length > 0) {
      const all = external.length === 1 && external[0]?.[0] === 0 && external[0][1] === 0xffffffff;
      emit(rulePorts(rule, []), all ? undefined : this.set([], external), true);
    }
    return out;
  }

  private portRules(
    ports: Ports,
    peers: AddressSet | undefined,
    externalOnly: boolean,
    verdict: Verdict,
    comment: string,
  ): Rule[] {
    if (peers !== undefined && peers.ranges.length === 0) return [];
    const base = { ...(peers === undefined ? {} : { peers: peers.name }), externalOnly, verdict, comment };
    const full = PROTOCOLS.every((p) => {
      const r = ports.set[p];
      return r.length === 1 && r[0]?.[0] === 1 && r[0][1] === MAX_PORT;
    });
    if (full && ports.other) return [base];
    const out: Rule[] = [];
    for (const protocol of PROTOCOLS) {
      const ranges = ports.set[protocol];
      if (ranges.length === 0) continue;
      const all = ranges.length === 1 && ranges[0]?.[0] === 1 && ranges[0][1] === MAX_PORT;
      out.push({ ...base, match: { protocol, ports: all ? "all" : ranges } });
    }
    if (ports.other) out.push({ ...base, match: { protocol: "other" } });
    return out;
  }
}
