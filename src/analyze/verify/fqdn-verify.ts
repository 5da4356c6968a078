import { type IntentPath, intentFqdnPattern } from "../../intent/intent.js";
import type { Pod, Workload } from "../../model/endpoint.js";
import { fqdnPatternMatches } from "../../model/fqdn-pattern.js";
import type { Model } from "../../model/model.js";
import { PROTOCOLS, type Protocol } from "../../model/ports.js";
import type { SourceRef } from "../../model/source-ref.js";
import { rangesContain } from "../address-set.js";
import { type ClusterOutcome, evaluateCluster } from "../cluster/evaluate-cluster.js";
import { checkFqdnDns } from "../cluster/fqdn-dns.js";
import { publicIpv4 } from "../cluster/public-addresses.js";
import { portIntervals } from "../exposure/external-ports.js";
import { type Party, podParty } from "../party.js";
import { EMPTY_PORTS, isEmptyPorts, type PortSet, portSetOf, unionPorts } from "../port-set.js";
import { clusterVerdict } from "../reach/reach.js";
import { fqdnWitnesses, WitnessLimitError } from "./fqdn-witness.js";
import { samplePorts, specPorts, subtractPorts } from "./port-math.js";
import { podsOf } from "./resolve-intent.js";
import type { Difference } from "./verify.js";

export type FqdnResolvedPath = { readonly path: IntentPath; readonly from: readonly Workload[] };

/** Egress by name from a pod, as Cilium decides it: the FQDN rule and the DNS lookup it depends on. */
export function nameOutcome(model: Model, from: Party, name: string, port: number, protocol: Protocol): ClusterOutcome {
  const outcome = evaluateCluster(model, { from, to: { kind: "fqdn", name }, port, protocol });
  const dns = checkFqdnDns(model, from, name, outcome.egress);
  if (dns === undefined) return outcome;
  const egress = { ...outcome.egress, dns, allowed: outcome.egress.allowed && dns.ok };
  return { ...outcome, egress, allowed: egress.allowed && outcome.ingress.allowed };
}

/** Every DNS name pattern the configuration uses: toFQDNs peers (and exclusions) and the DNS proxy's rules.dns. */
function configPatterns(model: Model): string[] {
  return [...configPatternSources(model).keys()].sort();
}

/** Each configuration DNS name pattern with the first policy that uses it. */
function configPatternSources(model: Model): Map<string, SourceRef> {
  const out = new Map<string, SourceRef>();
  for (const policy of model.policies)
    for (const rule of policy.egress ?? []) {
      for (const peer of [...(rule.peers === "any" ? [] : rule.peers), ...(rule.notPeers ?? [])])
        if (peer.kind === "fqdn" && !out.has(peer.pattern)) out.set(peer.pattern, policy.source);
      for (const d of rule.dns ?? []) if (!out.has(d)) out.set(d, policy.source);
    }
  return out;
}

/** DNS names Ward could not decide for a workload: the witness search hit its limit. */
export type FqdnUndecided = {
  readonly workload: string;
  readonly message: string;
  readonly path?: IntentPath;
  readonly source?: SourceRef;
};

/** A CIDR path whose range holds every public IPv4 address holds wherever a DNS name points. */
function coversEveryName(path: IntentPath): boolean {
  if (path.to.kind !== "cidr" || path.to.cidr.family !== 4) return false;
  return rangesContain([[path.to.cidr.start, path.to.cidr.end]], publicIpv4());
}

type Group = { from: string; to: string; ports: PortSet; paths: Set<string>; sample: { pod: Pod; name: string } };

/**
 * Egress by DNS name, against the intent's FQDN paths: for each workload, one probe name per way the names fall
 * into the patterns (the intent's and the configuration's, fqdn-witness.ts), so every name is decided.
 * `missing`: a name an FQDN path allows that the configuration denies (on some of its ports).
 * `extra`: a name a configuration FQDN rule allows that no intent path allows (names allowed by address rules are
 * reported as address ranges by the external comparison).
 */
export function fqdnDifferences(
  model: Model,
  resolved: readonly FqdnResolvedPath[],
  isGoverned: (w: Workload) => boolean,
  deny: boolean,
  undecided: FqdnUndecided[] = [],
  maxStates?: number,
): Difference[] {
  const config = configPatterns(model);
  const cuts = portIntervals(model, []);
  const groups = new Map<string, Group>();
  const add = (
    kind: "missing" | "extra",
    key: string,
    g: Omit<Group, "ports" | "paths">,
    ports: PortSet,
    paths: string[],
  ) => {
    const k = `${kind}\u0000${g.from}\u0000${key}`;
    const cur = groups.get(k) ?? { ...g, ports: EMPTY_PORTS, paths: new Set<string>() };
    cur.ports = unionPorts(cur.ports, ports);
    for (const p of paths) cur.paths.add(p);
    groups.set(k, cur);
  };
  for (const w of model.workloads) {
    const own = resolved.filter((r) => r.from.includes(w));
    const byName = own.filter((r) => r.path.to.kind === "fqdn");
    const checkExtra = isGoverned(w) && deny && config.length > 0;
    if (byName.length === 0 && !checkExtra) continue;
    const intentPatterns = byName.map((r) => intentFqdnPattern((r.path.to as { fqdn: string }).fqdn));
    let names: string[];
    try {
      names = fqdnWitnesses([...new Set([...intentPatterns, ...config])], maxStates);
    } catch (e) {
      if (!(e instanceof WitnessLimitError)) throw e;
      // Undecidable, reported with the intent path (or the configuration rule) that brings the patterns in.
      const path = byName[0]?.path;
      const source = path === undefined ? configPatternSources(model).get(config[0] ?? "") : undefined;
      undecided.push({
        workload: w.id,
        message: `undecidable: egress by DNS name from ${w.id}: ${e.message}`,
        ...(path === undefined ? {} : { path }),
        ...(source === undefined ? {} : { source }),
      });
      continue;
    }
    const seen = new Set<string>();
    for (const pod of podsOf(model, w)) {
      const podKey = `${JSON.stringify(pod.labels)}|${pod.serviceAccount}`;
      if (seen.has(podKey)) continue;
      seen.add(podKey);
      const self = podParty(model, pod);
      for (const name of names) {
        const matching = byName.filter((_, i) => fqdnPatternMatches(intentPatterns[i] as string, name));
        let wantedByName = EMPTY_PORTS;
        for (const r of matching) wantedByName = unionPorts(wantedByName, specPorts(r.path.ports, []));
        let wanted = wantedByName;
        for (const r of own.filter((r) => coversEveryName(r.path)))
          wanted = unionPorts(wanted, specPorts(r.path.ports, []));
        const allowed: { protocol: Protocol; start: number; end: number }[] = [];
        const byRule = new Map<string, { protocol: Protocol; start: number; end: number }[]>();
        for (const protocol of PROTOCOLS)
          for (const cut of cuts[protocol]) {
            const outcome = nameOutcome(model, self, name, cut.start, protocol);
            if (!outcome.allowed) continue;
            const entry = { protocol, start: cut.start, end: cut.end };
            allowed.push(entry);
            const by = outcome.egress.decidedBy;
            if (
              by.kind === "rule" &&
              by.rule.peer !== undefined &&
              by.rule.peer !== "any" &&
              by.rule.peer.kind === "fqdn"
            )
              byRule.set(by.rule.peer.pattern, [...(byRule.get(by.rule.peer.pattern) ?? []), entry]);
          }
        const labels = matching.map((r) => r.path.to.label);
        const missing = subtractPorts(wantedByName, portSetOf(allowed));
        if (!isEmptyPorts(missing))
          add(
            "missing",
            labels.join(", "),
            { from: w.id, to: describe(labels, name), sample: { pod, name } },
            missing,
            [...matching.map((r) => r.path.name)],
          );
        if (!checkExtra) continue;
        for (const [pattern, entries] of byRule) {
          const extra = subtractPorts(portSetOf(entries), wanted);
          if (!isEmptyPorts(extra))
            add("extra", pattern, { from: w.id, to: describe([pattern], name), sample: { pod, name } }, extra, []);
        }
      }
    }
  }
  return [...groups.entries()].map(([k, g]) => {
    const kind = k.startsWith("missing") ? "missing" : "extra";
    const sample = g.sample;
    const self = podParty(model, sample.pod);
    const samples = samplePorts(g.ports).map(({ protocol, port }) => {
      const outcome = nameOutcome(model, self, sample.name, port, protocol);
      const verdict = clusterVerdict(
        outcome,
        `${sample.pod.namespace}/${sample.pod.name}`,
        sample.name,
        `${protocol}/${port}`,
      );
      return { protocol, port, decidedBy: verdict.layers.flatMap((l) => l.decidedBy) };
    });
    return { kind, from: g.from, to: g.to, ports: g.ports, paths: [...g.paths], samples };
  });
}

/** "api.example.com", or "*.example.com (e.g. b.example.com)" when the probe name stands for a pattern. */
function describe(patterns: readonly string[], name: string): string {
  if (patterns.length === 1 && patterns[0] === name) return name;
  return `${patterns.join(", ")} (e.g. ${name})`;
}
