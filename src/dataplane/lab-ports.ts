import type { Model } from "../model/model.js";

export const DEFAULT_MAX_PORTS = 32;
/** A port no rule names, to catch a rule that opens more than it says. */
const UNMENTIONED_FROM = 9999;

/**
 * The ports every lab namespace serves (TCP and UDP) and `ward probe` tries: every container port, every port a
 * policy names, both ends of every endPort range and the ports just outside them, and one port nothing mentions.
 * Bounded: exact ports first, then range edges, at most `max`.
 */
export function labPorts(model: Model, max = DEFAULT_MAX_PORTS): number[] {
  const exact = new Set<number>();
  const edges = new Set<number>();
  for (const pod of model.pods) for (const p of pod.ports) exact.add(p.port);
  for (const policy of model.policies) {
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
      if (rule.ports === "all") continue;
      for (const spec of rule.ports) {
        if (typeof spec.port !== "number") continue;
        exact.add(spec.port);
        if (spec.endPort === undefined) continue;
        exact.add(spec.endPort);
        if (spec.port > 1) edges.add(spec.port - 1);
        if (spec.endPort < 65535) edges.add(spec.endPort + 1);
      }
    }
  }
  if (exact.size === 0) exact.add(80);
  let unmentioned = UNMENTIONED_FROM;
  while (exact.has(unmentioned) || edges.has(unmentioned)) unmentioned++;
  const ordered = [...[...exact].sort((a, b) => a - b), unmentioned, ...[...edges].sort((a, b) => a - b)];
  return [...new Set(ordered)].slice(0, max).sort((a, b) => a - b);
}
