import { selectorMatches } from "../../model/labels.js";
import type { Model } from "../../model/model.js";
import type { ClusterPolicy, Direction, Peer, PolicyRule } from "../../model/policy.js";
import { resolveNamedPort } from "../../model/ports.js";
import { MAX_PORT, PortSetTable, portSetOf } from "../port-set.js";
import { blockKey, buildPodClasses, type PodClass, type PodClasses } from "./pod-classes.js";

/**
 * The fast engine: decides every ordered pair of pod classes at once.
 * allowed[from * size + to] is the interned id (in `ports`) of the ports/protocols allowed from a pod of
 * class `from` to another pod of class `to` (loopback is decided per workload, not here).
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

class Engine {
  readonly ports = new PortSetTable();
  private readonly peerCache = new Map<string, Int32Array>();
  private readonly allClasses: Int32Array;
  private readonly mark: Uint8Array;

  constructor(
    private readonly model: Model,
    readonly classes: PodClasses,
  ) {
    this.allClasses = Int32Array.from(classes.classes, (c) => c.index);
    this.mark = new Uint8Array(classes.classes.length);
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
    const key = JSON.stringify(peer.kind === "ipBlock" ? blockKey(peer.block) : [peer.namespaces, peer.pods]);
    const cached = this.peerCache.get(key);
    if (cached) return cached;
    const out: number[] = [];
    if (peer.kind === "ipBlock") {
      const b = this.classes.blockIndex.get(blockKey(peer.block));
      for (const c of this.classes.classes) if (b !== undefined && c.blocks.has(b)) out.push(c.index);
    } else {
      for (const ns of this.namespacesMatching(peer)) {
        for (const c of this.classes.byNamespace.get(ns) ?? [])
          if (selectorMatches(peer.pods, c.labels)) out.push(c.index);
      }
    }
    const result = Int32Array.from(out);
    this.peerCache.set(key, result);
    return result;
  }

  private ruleClasses(rule: PolicyRule): Int32Array {
    if (rule.peers === "any") return this.allClasses;
    if (rule.peers.length === 1 && rule.peers[0]) return this.peerClasses(rule.peers[0]);
    // Peers are ORed: the union of their classes, each once.
    const out: number[] = [];
    for (const peer of rule.peers) {
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

  prepare(rule: PolicyRule): PreparedRule {
    const peers = this.ruleClasses(rule);
    const hasNamed = rule.ports !== "all" && rule.ports.some((p) => typeof p.port === "string");
    const fixedPorts = hasNamed ? undefined : this.portsFor(rule, []);
    return { rule, peers, fixedPorts, byNamedPorts: new Map() };
  }

  private portsFor(rule: PolicyRule, destination: PodClass["namedPorts"]): number {
    if (rule.ports === "all") return PortSetTable.ALL;
    const entries: { protocol: "TCP" | "UDP" | "SCTP"; start: number; end: number }[] = [];
    for (const spec of rule.ports) {
      if (spec.port === undefined) entries.push({ protocol: spec.protocol, start: 1, end: MAX_PORT });
      else if (typeof spec.port === "number")
        entries.push({ protocol: spec.protocol, start: spec.port, end: spec.endPort ?? spec.port });
      else
        for (const port of resolveNamedPort(spec.port, spec.protocol, destination))
          entries.push({ protocol: spec.protocol, start: port, end: port });
    }
    return this.ports.intern(portSetOf(entries));
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

  /** For each class, the prepared rules of every policy that selects it for `direction` (undefined = not isolated). */
  rulesByClass(direction: Direction): (PreparedRule[] | undefined)[] {
    const out: (PreparedRule[] | undefined)[] = new Array(this.classes.classes.length).fill(undefined);
    const prepared = new Map<ClusterPolicy, PreparedRule[]>();
    for (const policy of this.model.policies) {
      const rules = policy[direction];
      if (rules === undefined) continue;
      for (const c of this.classes.byNamespace.get(policy.namespace) ?? []) {
        if (!selectorMatches(policy.podSelector, c.labels)) continue;
        let p = prepared.get(policy);
        if (p === undefined) {
          p = rules.map((r) => this.prepare(r));
          prepared.set(policy, p);
        }
        const list = out[c.index] ?? [];
        list.push(...p);
        out[c.index] = list;
      }
    }
    return out;
  }
}

export function computeClassMatrix(model: Model, classes: PodClasses = buildPodClasses(model)): ClassMatrix {
  const engine = new Engine(model, classes);
  const table = engine.ports;
  const n = classes.classes.length;
  const all = classes.classes;
  const allowed = new Uint32Array(n * n);

  // Ingress: column by column, the union of the rules of every policy isolating the destination.
  const ingress = engine.rulesByClass("ingress");
  for (let to = 0; to < n; to++) {
    const rules = ingress[to];
    const destination = all[to] as PodClass;
    if (rules === undefined) {
      for (let from = 0; from < n; from++) allowed[from * n + to] = PortSetTable.ALL;
      continue;
    }
    for (const r of rules) {
      const ports = engine.rulePortsTo(r, destination);
      if (ports === PortSetTable.EMPTY) continue;
      for (const from of r.peers) {
        const i = from * n + to;
        allowed[i] = table.union(allowed[i] as number, ports);
      }
    }
  }

  // Egress: row by row, then intersect with ingress in place (both ends must allow).
  const egress = engine.rulesByClass("egress");
  const row = new Uint32Array(n);
  for (let from = 0; from < n; from++) {
    const rules = egress[from];
    if (rules === undefined) continue;
    row.fill(PortSetTable.EMPTY);
    for (const r of rules) {
      for (const to of r.peers) {
        const ports = engine.rulePortsTo(r, all[to] as PodClass);
        row[to] = table.union(row[to] as number, ports);
      }
    }
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
