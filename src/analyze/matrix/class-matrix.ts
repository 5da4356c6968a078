import { selectorMatches } from "../../model/labels.js";
import type { Model } from "../../model/model.js";
import {
  type ClusterPolicy,
  type Direction,
  orderedPolicies,
  type Peer,
  type PolicyRule,
  type Tier,
} from "../../model/policy.js";
import { type PortSpec, resolveNamedPort } from "../../model/ports.js";
import { MAX_PORT, PortSetTable, portSetOf } from "../port-set.js";
import { blockKey, buildPodClasses, type PodClass, type PodClasses } from "./pod-classes.js";

/**
 * The fast engine: decides every ordered pair of pod classes at once.
 * allowed[from * size + to] is the interned id (in `ports`) of the ports/protocols allowed from a pod of
 * class `from` to another pod of class `to` (loopback is decided per workload, not here).
 *
 * Per pod class and direction, the policies selecting it are processed in evaluation order (tier, order, name), rule
 * by rule, with port sets: each peer class keeps the ports no rule has decided yet; a matching rule takes its ports
 * out of that set (allow adds them to the allowed set, pass hands them to the next tier, deny drops them). At the end
 * of a tier that isolates the class, its default action applies to what is still undecided; after the last tier,
 * whatever is undecided is allowed. This is the reference evaluator's first-match rule, on every port at once.
 */
export type ClassMatrix = {
  readonly classes: PodClasses;
  readonly size: number;
  readonly ports: PortSetTable;
  readonly allowed: Uint32Array;
};

type PreparedRule = {
  readonly rule: PolicyRule;
  readonly peers: Int32Array;
  /** The rule's port set when it does not depend on the destination (no named ports). */
  readonly fixedPorts: number | undefined;
  readonly byNamedPorts: Map<string, number>;
};

/** The rules of the policies of one tier that select a class, in order. */
type TierGroup = {
  readonly tier: Tier;
  readonly isolates: boolean;
  /** Every rule allows (or only logs): the tier is a union of allows. */
  readonly allowOnly: boolean;
  readonly rules: readonly PreparedRule[];
};

class Engine {
  readonly ports = new PortSetTable();
  private readonly peerCache = new Map<string, Int32Array>();
  private readonly allClasses: Int32Array;
  private readonly mark: Uint8Array;
  private readonly ordered: ClusterPolicy[];

  constructor(
    private readonly model: Model,
    readonly classes: PodClasses,
  ) {
    this.allClasses = Int32Array.from(classes.classes, (c) => c.index);
    this.mark = new Uint8Array(classes.classes.length);
    this.ordered = orderedPolicies(model.policies);
  }

  private namespacesMatching(peer: Peer & { kind: "pods" }): string[] {
    const scope = peer.namespaces;
    if (scope.kind === "same") return [scope.namespace];
    const out: string[] = [];
    for (const [name, list] of this.classes.byNamespace) {
      const labels = list[0]?.namespaceLabels ?? this.model.namespaces.get(name)?.labels ?? {};
      if (selectorMatches(scope.selector, labels)) out.push(name);
    }
    return out;
  }

  private peerClasses(peer: Peer): Int32Array {
    const key = JSON.stringify(
      peer.kind === "ipBlock" ? [blockKey(peer.block), peer.externalOnly] : { ...peer, line: 0 },
    );
    const cached = this.peerCache.get(key);
    if (cached) return cached;
    const out: number[] = [];
    switch (peer.kind) {
      case "ipBlock": {
        const b = this.classes.blockIndex.get(blockKey(peer.block));
        if (peer.externalOnly !== true)
          for (const c of this.classes.classes) if (b !== undefined && c.blocks.has(b)) out.push(c.index);
        break;
      }
      case "pods":
        for (const ns of this.namespacesMatching(peer)) {
          for (const c of this.classes.byNamespace.get(ns) ?? [])
            if (
              selectorMatches(peer.pods, c.labels) &&
              !(peer.excludesHostNetwork === true && c.hostNetwork) &&
              (peer.serviceAccounts === undefined || peer.serviceAccounts.includes(c.serviceAccount))
            )
              out.push(c.index);
        }
        break;
      case "entity":
        if (peer.entity === "cluster" || peer.entity === "all") out.push(...this.allClasses);
        break;
      case "fqdn":
      case "nodes":
        break;
    }
    const result = Int32Array.from(out);
    this.peerCache.set(key, result);
    return result;
  }

  private union(peers: readonly Peer[]): Int32Array {
    if (peers.length === 1 && peers[0]) return this.peerClasses(peers[0]);
    // Peers are ORed: the union of their classes, each once.
    const out: number[] = [];
    for (const peer of peers) {
      for (const c of this.peerClasses(peer)) {
        if (this.mark[c] === 0) {
          this.mark[c] = 1;
          out.push(c);
        }
      }
    }
    for (const c of out) this.mark[c] = 0;
    return Int32Array.from(out);
  }

  private ruleClasses(rule: PolicyRule): Int32Array {
    const peers = rule.peers === "any" ? this.allClasses : this.union(rule.peers);
    if (rule.notPeers === undefined || rule.notPeers.length === 0) return peers;
    const excluded = this.union(rule.notPeers);
    for (const c of excluded) this.mark[c] = 1;
    const out = peers.filter((c) => this.mark[c] === 0);
    for (const c of excluded) this.mark[c] = 0;
    return out;
  }

  prepare(rule: PolicyRule): PreparedRule {
    const peers = this.ruleClasses(rule);
    const named = (list: readonly PortSpec[] | "all" | undefined) =>
      list !== undefined && list !== "all" && list.some((p) => typeof p.port === "string");
    const hasNamed = named(rule.ports) || named(rule.notPorts);
    const fixedPorts = hasNamed ? undefined : this.portsFor(rule, []);
    return { rule, peers, fixedPorts, byNamedPorts: new Map() };
  }

  private specsToSet(specs: readonly PortSpec[], destination: PodClass["namedPorts"]): number {
    const entries: { protocol: "TCP" | "UDP" | "SCTP"; start: number; end: number }[] = [];
    for (const spec of specs) {
      if (spec.port === undefined) entries.push({ protocol: spec.protocol, start: 1, end: MAX_PORT });
      else if (typeof spec.port === "number")
        entries.push({ protocol: spec.protocol, start: spec.port, end: spec.endPort ?? spec.port });
      else
        for (const port of resolveNamedPort(spec.port, spec.protocol, destination))
          entries.push({ protocol: spec.protocol, start: port, end: port });
    }
    return this.ports.intern(portSetOf(entries));
  }

  private portsFor(rule: PolicyRule, destination: PodClass["namedPorts"]): number {
    const ports = rule.ports === "all" ? PortSetTable.ALL : this.specsToSet(rule.ports, destination);
    if (rule.notPorts === undefined || rule.notPorts.length === 0) return ports;
    return this.ports.subtract(ports, this.specsToSet(rule.notPorts, destination));
  }

  /** Named ports resolve against the destination pod's container ports, for ingress and egress alike. */
  rulePortsTo(prepared: PreparedRule, destination: PodClass): number {
    if (prepared.fixedPorts !== undefined) return prepared.fixedPorts;
    let id = prepared.byNamedPorts.get(destination.namedPortsKey);
    if (id === undefined) {
      id = this.portsFor(prepared.rule, destination.namedPorts);
      prepared.byNamedPorts.set(destination.namedPortsKey, id);
    }
    return id;
  }

  private selects(policy: ClusterPolicy, c: PodClass): boolean {
    const inScope =
      policy.namespaceSelector === undefined
        ? policy.namespace === c.namespace
        : selectorMatches(policy.namespaceSelector, c.namespaceLabels);
    if (!inScope || !selectorMatches(policy.podSelector, c.labels)) return false;
    if (policy.excludesHostNetwork === true && c.hostNetwork) return false;
    return policy.serviceAccounts === undefined || policy.serviceAccounts.includes(c.serviceAccount);
  }

  /** For each class, the tier groups of the policies that select it for `direction` (undefined = none). */
  groupsByClass(direction: Direction): (TierGroup[] | undefined)[] {
    const n = this.classes.classes.length;
    const selected: number[][] = Array.from({ length: n }, () => []);
    this.ordered.forEach((policy, pi) => {
      if (policy[direction] === undefined) return;
      const candidates =
        policy.namespaceSelector === undefined
          ? (this.classes.byNamespace.get(policy.namespace) ?? [])
          : this.classes.classes;
      for (const c of candidates) if (this.selects(policy, c)) (selected[c.index] as number[]).push(pi);
    });
    const prepared = new Map<number, PreparedRule[]>();
    const shared = new Map<string, TierGroup[]>();
    return selected.map((list) => {
      if (list.length === 0) return undefined;
      const key = list.join(",");
      const cached = shared.get(key);
      if (cached) return cached;
      const groups: TierGroup[] = [];
      for (const pi of list) {
        const policy = this.ordered[pi] as ClusterPolicy;
        let rules = prepared.get(pi);
        if (rules === undefined) {
          rules = (policy[direction] ?? []).filter((r) => r.action !== "log").map((r) => this.prepare(r));
          prepared.set(pi, rules);
        }
        const last = groups[groups.length - 1];
        const allowOnly = rules.every((r) => r.rule.action === "allow");
        if (last !== undefined && last.tier === policy.tier) {
          groups[groups.length - 1] = {
            tier: last.tier,
            isolates: last.isolates || policy.isolates[direction],
            allowOnly: last.allowOnly && allowOnly,
            rules: [...last.rules, ...rules],
          };
        } else groups.push({ tier: policy.tier, isolates: policy.isolates[direction], allowOnly, rules });
      }
      shared.set(key, groups);
      return groups;
    });
  }
}

/**
 * Decides one class's direction against every other class: out[o] = ports allowed between the class and class o.
 * `destinationOf(o)` is the class whose named ports resolve (the class itself for ingress, o for egress).
 */
function decideRow(
  engine: Engine,
  groups: readonly TierGroup[],
  n: number,
  destinationOf: (other: number) => PodClass,
  out: Uint32Array,
  scratch: { remaining: Uint32Array; open: Uint32Array; passed: Uint32Array; union: Uint32Array; touched: Int32Array },
): void {
  const table = engine.ports;
  const { remaining, open, passed, union, touched } = scratch;
  out.fill(PortSetTable.EMPTY);
  const only = groups.length === 1 ? groups[0] : undefined;
  if (only?.allowOnly && only.isolates && only.tier.defaultAction === "deny") {
    // The common case (NetworkPolicy alone): the union of the rules' ports, nothing else.
    for (const r of only.rules)
      for (const o of r.peers) out[o] = table.union(out[o] as number, engine.rulePortsTo(r, destinationOf(o)));
    return;
  }
  remaining.fill(PortSetTable.ALL);
  for (const group of groups) {
    const denyRest = group.isolates && group.tier.defaultAction === "deny";
    if (group.allowOnly) {
      // A union of allows: what the rules name (and is still undecided) is allowed.
      let count = 0;
      for (const r of group.rules)
        for (const o of r.peers) {
          const ports = engine.rulePortsTo(r, destinationOf(o));
          if (ports === PortSetTable.EMPTY) continue;
          if (union[o] === PortSetTable.EMPTY) touched[count++] = o;
          union[o] = table.union(union[o] as number, ports);
        }
      for (let k = 0; k < count; k++) {
        const o = touched[k] as number;
        const u = union[o] as number;
        const rest = remaining[o] as number;
        out[o] = table.union(out[o] as number, table.intersect(u, rest));
        remaining[o] = table.subtract(rest, u);
        union[o] = PortSetTable.EMPTY;
      }
      if (denyRest) remaining.fill(PortSetTable.EMPTY);
      continue;
    }
    open.set(remaining);
    passed.fill(PortSetTable.EMPTY);
    for (const r of group.rules) {
      const action = r.rule.action;
      for (const o of r.peers) {
        const m = table.intersect(engine.rulePortsTo(r, destinationOf(o)), open[o] as number);
        if (m === PortSetTable.EMPTY) continue;
        if (action === "allow") out[o] = table.union(out[o] as number, m);
        else if (action === "pass") passed[o] = table.union(passed[o] as number, m);
        open[o] = table.subtract(open[o] as number, m);
      }
    }
    for (let o = 0; o < n; o++)
      remaining[o] = denyRest ? (passed[o] as number) : table.union(passed[o] as number, open[o] as number);
  }
  // Nothing decided the rest: allowed.
  for (let o = 0; o < n; o++) out[o] = table.union(out[o] as number, remaining[o] as number);
}

export function computeClassMatrix(model: Model, classes: PodClasses = buildPodClasses(model)): ClassMatrix {
  const engine = new Engine(model, classes);
  const table = engine.ports;
  const n = classes.classes.length;
  const all = classes.classes;
  const allowed = new Uint32Array(n * n);
  const row = new Uint32Array(n);
  const scratch = {
    remaining: new Uint32Array(n),
    open: new Uint32Array(n),
    passed: new Uint32Array(n),
    union: new Uint32Array(n),
    touched: new Int32Array(n),
  };

  // Ingress: column by column (the destination's policies decide for every source class).
  const ingress = engine.groupsByClass("ingress");
  for (let to = 0; to < n; to++) {
    const groups = ingress[to];
    if (groups === undefined) {
      for (let from = 0; from < n; from++) allowed[from * n + to] = PortSetTable.ALL;
      continue;
    }
    const destination = all[to] as PodClass;
    decideRow(engine, groups, n, () => destination, row, scratch);
    for (let from = 0; from < n; from++) allowed[from * n + to] = row[from] as number;
  }

  // Egress: row by row, then intersect with ingress in place (both ends must allow).
  const egress = engine.groupsByClass("egress");
  for (let from = 0; from < n; from++) {
    const groups = egress[from];
    if (groups === undefined) continue;
    decideRow(engine, groups, n, (o) => all[o] as PodClass, row, scratch);
    const base = from * n;
    for (let to = 0; to < n; to++) {
      const i = base + to;
      allowed[i] = table.intersect(allowed[i] as number, row[to] as number);
    }
  }
  return { classes, size: n, ports: table, allowed };
}

export function classPairPorts(matrix: ClassMatrix, from: number, to: number): number {
  return matrix.allowed[from * matrix.size + to] as number;
}
