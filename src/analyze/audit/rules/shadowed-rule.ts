import { parseCidr } from "../../../model/cidr.js";
import {
  type ClusterPolicy,
  DEFAULT_TIER,
  type Direction,
  fqdnMatches,
  type Peer,
  type PolicyRule,
  policyOrder,
} from "../../../model/policy.js";
import { type ContainerPort, type PortSpec, resolveNamedPort } from "../../../model/ports.js";
import { type AddressRanges, blockCoverage, rangesContain, unionRanges } from "../../address-set.js";
import { peerMatches, policySelects } from "../../cluster/evaluate-cluster.js";
import { type Party, partyName } from "../../party.js";
import { isEmptyPorts, MAX_PORT, type PortSet, portSetOf, subtractPorts } from "../../port-set.js";
import { type AuditContext, findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";
import { refText, ruleRef } from "./describe-policy.js";

type Candidate = {
  readonly policy: ClusterPolicy;
  readonly index: number;
  readonly rule: PolicyRule;
  readonly subjects: readonly number[];
};

const WHOLE = { 4: parseCidr("0.0.0.0/0"), 6: parseCidr("::/0") } as const;

function specsToSet(specs: readonly PortSpec[] | "all", destination: readonly ContainerPort[]): PortSet {
  if (specs === "all")
    return portSetOf(["TCP", "UDP", "SCTP"].map((p) => ({ protocol: p as "TCP", start: 1, end: MAX_PORT })));
  const entries: { protocol: PortSpec["protocol"]; start: number; end: number }[] = [];
  for (const s of specs) {
    if (s.port === undefined) entries.push({ protocol: s.protocol, start: 1, end: MAX_PORT });
    else if (typeof s.port === "number")
      entries.push({ protocol: s.protocol, start: s.port, end: s.endPort ?? s.port });
    else
      for (const p of resolveNamedPort(s.port, s.protocol, destination))
        entries.push({ protocol: s.protocol, start: p, end: p });
  }
  return portSetOf(entries);
}

const subset = (a: PortSet, b: PortSet) => isEmptyPorts(subtractPorts(a, b));

/** The addresses outside the cluster a peer list covers, per family, and the FQDN patterns it names. */
function external(rule: PolicyRule): { 4: AddressRanges; 6: AddressRanges; names: readonly string[]; all: boolean } {
  if (rule.peers === "any")
    return { 4: [[WHOLE[4].start, WHOLE[4].end]], 6: [[WHOLE[6].start, WHOLE[6].end]], names: [], all: true };
  let v4: AddressRanges = [];
  let v6: AddressRanges = [];
  const names: string[] = [];
  let all = false;
  for (const peer of rule.peers) {
    if (peer.kind === "ipBlock") {
      v4 = unionRanges(v4, blockCoverage(peer.block, WHOLE[4]));
      v6 = unionRanges(v6, blockCoverage(peer.block, WHOLE[6]));
    } else if (peer.kind === "entity" && (peer.entity === "world" || peer.entity === "all")) {
      v4 = [[WHOLE[4].start, WHOLE[4].end]];
      v6 = [[WHOLE[6].start, WHOLE[6].end]];
      all = true;
    } else if (peer.kind === "fqdn") names.push(peer.pattern);
  }
  return { 4: v4, 6: v6, names, all };
}

function matchesParty(rule: PolicyRule, party: Party): boolean {
  return rule.peers === "any" || rule.peers.some((p: Peer) => peerMatches(p, party));
}

/**
 * R is shadowed by S when, for every pod R's policy selects, S's policy selects it too and every connection R
 * matches (peer pod class × ports, external addresses × ports, FQDN names) S matches as well. Only allow rules of
 * NetworkPolicy-style policies (default tier, allow-only, no exclusions) are compared: there the allowed set is the
 * union of the rules, so such a rule adds nothing. An equal pair reports only the later rule.
 */
function shadowed(ctx: AuditContext, self: AuditRule, direction: Direction): Finding[] {
  const classes = ctx.classes;
  const reps: Party[] = [];
  ctx.model.pods.forEach((p, i) => {
    const c = classes.classOfPod[i] as number;
    reps[c] ??= ctx.party(p);
  });
  const ordered = [...ctx.model.policies].sort(policyOrder);
  const candidates: Candidate[] = [];
  for (const policy of ordered) {
    const rules = policy[direction] ?? [];
    if (
      policy.tier !== DEFAULT_TIER ||
      rules.some((r) => r.action !== "allow" || r.notPeers?.length || r.notPorts?.length || r.dns)
    )
      continue;
    const subjects = reps.flatMap((p, c) => (p.kind === "pod" && policySelects(policy, p) ? [c] : []));
    if (subjects.length === 0) continue;
    rules.forEach((rule, index) => {
      candidates.push({ policy, index, rule, subjects });
    });
  }
  const destPorts = (c: number, o: number | undefined): readonly ContainerPort[] => {
    const d = direction === "ingress" ? reps[c] : o === undefined ? undefined : reps[o];
    return d?.kind === "pod" ? d.pod.ports : [];
  };
  const covers = (s: Candidate, r: Candidate): boolean => {
    if (s.rule.http !== undefined) return false;
    if (!r.subjects.every((c) => s.subjects.includes(c))) return false;
    const er = external(r.rule);
    const es = external(s.rule);
    for (const c of r.subjects) {
      for (let o = 0; o < reps.length; o++) {
        const party = reps[o] as Party;
        if (!matchesParty(r.rule, party)) continue;
        const pr = specsToSet(r.rule.ports, destPorts(c, o));
        if (isEmptyPorts(pr)) continue;
        if (!matchesParty(s.rule, party)) return false;
        if (!subset(pr, specsToSet(s.rule.ports, destPorts(c, o)))) return false;
      }
      const extR = specsToSet(r.rule.ports, direction === "ingress" ? destPorts(c, undefined) : []);
      if (isEmptyPorts(extR)) continue;
      const extS = specsToSet(s.rule.ports, direction === "ingress" ? destPorts(c, undefined) : []);
      const hasExternal = er[4].length + er[6].length + er.names.length > 0;
      if (!hasExternal) continue;
      if (!subset(extR, extS)) return false;
      if (!rangesContain(es[4], er[4]) || !rangesContain(es[6], er[6])) return false;
      if (!er.names.every((n) => es.all || es.names.some((p) => p === n || fqdnMatches(p, n)))) return false;
    }
    return true;
  };
  const matchesSomething = (r: Candidate) =>
    r.subjects.some((c) =>
      reps.some((party, o) => matchesParty(r.rule, party) && !isEmptyPorts(specsToSet(r.rule.ports, destPorts(c, o)))),
    ) ||
    (() => {
      const e = external(r.rule);
      return e[4].length + e[6].length + e.names.length > 0;
    })();
  const out: Finding[] = [];
  candidates.forEach((r, ri) => {
    if (!matchesSomething(r)) return;
    const by = candidates.find((s, si) => s !== r && covers(s, r) && (si < ri || !covers(r, s)));
    if (by === undefined) return;
    const subject = ruleRef(r.policy, r.rule);
    const related = ruleRef(by.policy, by.rule);
    out.push(
      findingOf(
        self,
        subject,
        `${direction} rule ${r.index + 1} of ${refText(r.policy.source)} is fully shadowed by ${direction} rule ${by.index + 1} of ${refText(by.policy.source)}: every connection it allows (for ${r.subjects.length} pod class(es): ${r.subjects
          .map((c) => partyName(reps[c] as Party))
          .slice(0, 3)
          .join(", ")}${r.subjects.length > 3 ? ", …" : ""}) is already allowed`,
        { related: [related] },
      ),
    );
  });
  return out;
}

export const shadowedRule: AuditRule = {
  id: "WARD-NP-008",
  layer: "cluster",
  severity: "low",
  title: "Rule fully shadowed by another rule",
  rationale:
    "A rule whose every connection another rule already allows has no effect: it misleads reviewers, and narrowing it later changes nothing.",
  fix: "Delete the shadowed rule, or narrow the broader rule if it allows more than intended.",
  equivalents: {},
  check: (ctx) => [...shadowed(ctx, shadowedRule, "ingress"), ...shadowed(ctx, shadowedRule, "egress")],
};
