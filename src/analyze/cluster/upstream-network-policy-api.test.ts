import { describe, expect, it } from "vitest";
import { modelOf } from "../../../test/support/cluster-fixture.js";
import { decidePair } from "../../../test/support/truth-table.js";
import { InputError } from "../../errors/input-error.js";
import type { Protocol } from "../../model/ports.js";
import { reach } from "../reach/reach.js";

/*
 * The kubernetes-sigs/network-policy-api conformance suite (conformance/tests/*.go with conformance/base/*.yaml and
 * base/manifests.yaml), test by test: the houses gryffindor, slytherin, hufflepuff, ravenclaw (and hogwarts-staff),
 * two StatefulSet replicas each (pods <name>-0 and -1, labelled conformance-house and
 * statefulset.kubernetes.io/pod-name, containers on TCP 80 "web", TCP 8080, UDP 53 "dns", UDP 5353, SCTP 9003 and
 * 9005), the same policies and the same PokeServer expectations. Subtests of one conformance test run in order and
 * their edits (swapped rules, changed priorities, deleted policies) carry over, as upstream.
 *
 * Each suite runs in three API forms that must give the same answers: AdminNetworkPolicy /
 * BaselineAdminNetworkPolicy v1alpha1 (the "core" tests), and ClusterNetworkPolicy v1alpha2 (`ports`) and v1beta1
 * (`protocols`) with tier Admin / Baseline (the "standard" tests under base/admin_tier and base/baseline_tier, which
 * port the same cases to the new API). Every probe is decided by both engines (test/support/truth-table.ts).
 */

const HOUSES = {
  gryffindor: "harry-potter",
  slytherin: "draco-malfoy",
  hufflepuff: "cedric-diggory",
  ravenclaw: "luna-lovegood",
} as const;
type House = keyof typeof HOUSES | "hogwarts-staff";
const NS = (house: House) => `network-policy-conformance-${house}`;
const STAFF = ["professor-dumbledore", "professor-quirrell"] as const;

const SHORT: Record<string, [House, string]> = {
  harry: ["gryffindor", "harry-potter"],
  draco: ["slytherin", "draco-malfoy"],
  cedric: ["hufflepuff", "cedric-diggory"],
  luna: ["ravenclaw", "luna-lovegood"],
  dumbledore: ["hogwarts-staff", "professor-dumbledore"],
  quirrell: ["hogwarts-staff", "professor-quirrell"],
};

/** "luna-0" → "network-policy-conformance-ravenclaw/luna-lovegood-0". */
function podId(short: string): string {
  const m = /^([a-z]+)-(\d)$/.exec(short);
  const entry = m ? SHORT[m[1] as string] : undefined;
  if (!m || entry === undefined) throw new Error(`unknown pod ${short}`);
  return `${NS(entry[0])}/${entry[1]}-${m[2]}`;
}

function podYaml(house: House, name: string, index: number, replica: number): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}-${replica}
  namespace: ${NS(house)}
  labels:
    conformance-house: ${house}
    statefulset.kubernetes.io/pod-name: ${name}-${replica}
spec:
  containers:
    - name: ${name}-client
      image: agnhost
    - name: ${name}-80
      image: agnhost
      ports: [{containerPort: 80, protocol: TCP, name: web}]
    - name: ${name}-8080
      image: agnhost
      ports: [{containerPort: 8080, protocol: TCP}]
    - name: ${name}-5353
      image: agnhost
      ports: [{containerPort: 5353, protocol: UDP}]
    - name: ${name}-53
      image: agnhost
      ports: [{containerPort: 53, protocol: UDP, name: dns}]
    - name: ${name}-9003
      image: agnhost
      ports: [{containerPort: 9003, protocol: SCTP}]
    - name: ${name}-9005
      image: agnhost
      ports: [{containerPort: 9005, protocol: SCTP}]
status:
  podIP: 10.${index}.0.${replica + 1}`;
}

function baseManifests(): string[] {
  const out: string[] = [];
  const houses: House[] = [...(Object.keys(HOUSES) as House[]), "hogwarts-staff"];
  houses.forEach((house) => {
    out.push(`apiVersion: v1
kind: Namespace
metadata:
  name: ${NS(house)}
  labels:
    conformance-house: ${house}`);
  });
  Object.entries(HOUSES).forEach(([house, name], i) => {
    for (const r of [0, 1]) out.push(podYaml(house as House, name, i + 1, r));
  });
  STAFF.forEach((name, i) => {
    for (const r of [0, 1]) out.push(podYaml("hogwarts-staff", name, 10 + i, r));
  });
  return out;
}

// ---- policies in one neutral form, rendered in each API form ----

type PeerSpec =
  | { readonly ns: House }
  | { readonly nsLabel: string; readonly podLabel?: string }
  | { readonly staff: string }
  | { readonly networks: readonly string[] }
  | { readonly nsLabelExists: string };
type PortSpecLite =
  | { readonly protocol: Protocol; readonly port: number }
  | { readonly protocol: Protocol; readonly start: number; readonly end: number }
  | { readonly named: string };
type RuleSpec = {
  readonly action: "Allow" | "Deny" | "Pass";
  readonly peers: readonly PeerSpec[];
  readonly port?: PortSpecLite;
};
type PolicySpec = {
  readonly name: string;
  readonly baseline: boolean;
  readonly priority: number;
  readonly subject: { readonly ns: House } | { readonly house: House };
  readonly ingress?: readonly RuleSpec[];
  readonly egress?: readonly RuleSpec[];
};
type Form = "v1alpha1" | "v1alpha2" | "v1beta1";

const sel = (labels: Record<string, string>) =>
  `{matchLabels: {${Object.entries(labels)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")}}}`;

function renderPeer(p: PeerSpec): string {
  if ("ns" in p) return `namespaces: ${sel({ "kubernetes.io/metadata.name": NS(p.ns) })}`;
  if ("nsLabel" in p)
    return p.podLabel === undefined
      ? `namespaces: ${sel({ "conformance-house": p.nsLabel })}`
      : `pods: {namespaceSelector: ${sel({ "conformance-house": p.nsLabel })}, podSelector: ${sel({ "conformance-house": p.podLabel })}}`;
  if ("staff" in p)
    return `pods: {namespaceSelector: ${sel({ "kubernetes.io/metadata.name": NS("hogwarts-staff") })}, podSelector: ${sel({ "statefulset.kubernetes.io/pod-name": p.staff })}}`;
  if ("nsLabelExists" in p) return `namespaces: {matchExpressions: [{key: ${p.nsLabelExists}, operator: Exists}]}`;
  return `networks: [${p.networks.join(", ")}]`;
}

function renderPort(p: PortSpecLite, form: Form): string {
  if ("named" in p)
    return form === "v1beta1" ? `protocols: [{destinationNamedPort: ${p.named}}]` : `ports: [{namedPort: ${p.named}}]`;
  if ("start" in p)
    return form === "v1beta1"
      ? `protocols: [{${p.protocol.toLowerCase()}: {destinationPort: {range: {start: ${p.start}, end: ${p.end}}}}}]`
      : `ports: [{portRange: {protocol: ${p.protocol}, start: ${p.start}, end: ${p.end}}}]`;
  return form === "v1beta1"
    ? `protocols: [{${p.protocol.toLowerCase()}: {destinationPort: {number: ${p.port}}}}]`
    : `ports: [{portNumber: {protocol: ${p.protocol}, port: ${p.port}}}]`;
}

function renderPolicy(p: PolicySpec, form: Form): string {
  const cnp = form !== "v1alpha1";
  const head = cnp
    ? `apiVersion: policy.networking.k8s.io/${form}\nkind: ClusterNetworkPolicy\nmetadata:\n  name: ${p.name}\nspec:\n  tier: ${p.baseline ? "Baseline" : "Admin"}\n  priority: ${p.priority}`
    : `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: ${p.baseline ? "BaselineAdminNetworkPolicy" : "AdminNetworkPolicy"}\nmetadata:\n  name: ${p.baseline ? "default" : p.name}\nspec:${p.baseline ? "" : `\n  priority: ${p.priority}`}`;
  const subject =
    "ns" in p.subject
      ? `  subject:\n    namespaces: ${sel({ "kubernetes.io/metadata.name": NS(p.subject.ns) })}`
      : `  subject:\n    pods: {namespaceSelector: ${sel({ "conformance-house": p.subject.house })}, podSelector: ${sel({ "conformance-house": p.subject.house })}}`;
  const rules = (key: "ingress" | "egress", list: readonly RuleSpec[] | undefined) => {
    if (list === undefined) return "";
    const peers = key === "ingress" ? "from" : "to";
    const body = list.map((r, i) => {
      const action = cnp && r.action === "Allow" ? "Accept" : r.action;
      const lines = [`  - name: rule-${i}`, `    action: ${action}`, `    ${peers}:`];
      for (const peer of r.peers) lines.push(`    - ${renderPeer(peer)}`);
      if (r.port !== undefined) lines.push(`    ${renderPort(r.port, form)}`);
      return lines.join("\n");
    });
    return `\n  ${key}:\n${body.join("\n")}`;
  };
  return `${head}\n${subject}${rules("ingress", p.ingress)}${rules("egress", p.egress)}`;
}

// ---- the conformance tests ----

type Probe = string; // "luna-0 -> harry-0 TCP/80 allow"
type Step = {
  readonly name: string;
  /** The edit this subtest makes before probing (it stays for the following subtests). */
  readonly edit?: (state: State) => State;
  readonly probes: readonly Probe[];
};
type State = { readonly policies: readonly PolicySpec[]; readonly networkPolicies: readonly string[] };
type Conformance = {
  readonly name: string;
  /** Which API forms the test has (a NetworkPolicy-less ANP test runs in all three). */
  readonly forms: readonly Form[];
  readonly start: State;
  readonly steps: readonly Step[];
};

const ns = (house: House): PeerSpec => ({ ns: house });
const staff = (pod: string): PeerSpec => ({ staff: pod });
const at = (protocol: Protocol, port: number): PortSpecLite => ({ protocol, port });
const ALL_FORMS: Form[] = ["v1alpha1", "v1alpha2", "v1beta1"];

function swap(direction: "ingress" | "egress", i: number, j: number) {
  return (state: State): State => ({
    ...state,
    policies: state.policies.map((p, k) => {
      if (k !== 0) return p;
      const rules = [...(p[direction] ?? [])];
      [rules[i], rules[j]] = [rules[j] as RuleSpec, rules[i] as RuleSpec];
      return { ...p, [direction]: rules };
    }),
  });
}

function editRule(direction: "ingress" | "egress", i: number, change: (r: RuleSpec) => RuleSpec) {
  return (state: State): State => ({
    ...state,
    policies: state.policies.map((p, k) =>
      k === 0 ? { ...p, [direction]: (p[direction] ?? []).map((r, n) => (n === i ? change(r) : r)) } : p,
    ),
  });
}

/** The core "gress" layout of the TCP/UDP/SCTP tests: rules 0–6, then the hogwarts-staff pod rules. */
function coreRules(
  a: House,
  b: House,
  c: House,
  p1: PortSpecLite,
  p2: PortSpecLite,
  staffRules: RuleSpec[],
  baseline: boolean,
): RuleSpec[] {
  const rules: RuleSpec[] = [
    { action: "Allow", peers: [ns(a)] },
    { action: "Deny", peers: [ns(a)] },
    { action: "Pass", peers: [ns(a)] },
    { action: "Deny", peers: [ns(b)], port: p1 },
    { action: "Pass", peers: [ns(b)], port: p1 },
    { action: "Allow", peers: [ns(c)], port: p2 },
    { action: "Deny", peers: [ns(c)] },
    ...staffRules,
  ];
  // The baseline tests have no Pass rules (BaselineAdminNetworkPolicy has no Pass action).
  return baseline ? rules.filter((r) => r.action !== "Pass") : rules;
}

const anp = (name: string, priority: number, subject: House, dir: "ingress" | "egress", rules: RuleSpec[]) =>
  ({ name, baseline: false, priority, subject: { ns: subject }, [dir]: rules }) as PolicySpec;
const banp = (subject: House, dir: "ingress" | "egress", rules: RuleSpec[]) =>
  ({ name: "default", baseline: true, priority: 0, subject: { ns: subject }, [dir]: rules }) as PolicySpec;
const only = (...policies: PolicySpec[]): State => ({ policies, networkPolicies: [] });

const CONFORMANCE: Conformance[] = [
  {
    name: "AdminNetworkPolicyIngressTCP",
    forms: ALL_FORMS,
    start: only(
      anp(
        "ingress-tcp",
        3,
        "gryffindor",
        "ingress",
        coreRules("ravenclaw", "slytherin", "hufflepuff", at("TCP", 80), at("TCP", 80), [], false),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-ingress' policy for TCP protocol; ensure rule ordering is respected",
        probes: ["luna-0 -> harry-0 TCP/80 allow", "luna-1 -> harry-0 TCP/8080 allow"],
      },
      {
        name: "Should support an 'allow-ingress' policy for TCP protocol at the specified port",
        probes: ["cedric-0 -> harry-1 TCP/80 allow", "cedric-1 -> harry-1 TCP/8080 deny"],
      },
      {
        name: "Should support an 'deny-ingress' policy for TCP protocol; ensure rule ordering is respected",
        edit: swap("ingress", 0, 1),
        probes: ["luna-0 -> harry-1 TCP/80 deny", "luna-1 -> harry-1 TCP/8080 deny"],
      },
      {
        name: "Should support a 'deny-ingress' policy for TCP protocol at the specified port",
        probes: ["draco-0 -> harry-0 TCP/80 deny", "draco-1 -> harry-0 TCP/8080 allow"],
      },
      {
        name: "Should support an 'pass-ingress' policy for TCP protocol; ensure rule ordering is respected",
        edit: swap("ingress", 0, 2),
        probes: ["luna-0 -> harry-0 TCP/80 allow", "luna-1 -> harry-0 TCP/8080 allow"],
      },
      {
        name: "Should support a 'pass-ingress' policy for TCP protocol at the specified port",
        edit: swap("ingress", 3, 4),
        probes: ["draco-0 -> harry-0 TCP/80 allow", "draco-1 -> harry-0 TCP/8080 allow"],
      },
    ],
  },
  {
    name: "AdminNetworkPolicyIngressPodSelectorTCP",
    forms: ALL_FORMS,
    start: only(
      anp(
        "ingress-tcp",
        3,
        "gryffindor",
        "ingress",
        coreRules(
          "ravenclaw",
          "slytherin",
          "hufflepuff",
          at("TCP", 80),
          at("TCP", 80),
          [
            { action: "Deny", peers: [staff("professor-quirrell-0")], port: at("TCP", 8080) },
            { action: "Allow", peers: [staff("professor-dumbledore-0")], port: at("TCP", 8080) },
            { action: "Deny", peers: [staff("professor-dumbledore-0")] },
          ],
          false,
        ),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-ingress' policy for TCP protocol at the specified pod",
        probes: ["dumbledore-0 -> harry-0 TCP/8080 allow"],
      },
      {
        name: "Should support a 'deny-ingress' policy for TCP protocol at the specified pod",
        probes: ["quirrell-0 -> harry-0 TCP/8080 deny"],
      },
    ],
  },
  {
    name: "AdminNetworkPolicyIngressUDP",
    forms: ALL_FORMS,
    start: only(
      anp(
        "ingress-udp",
        4,
        "hufflepuff",
        "ingress",
        coreRules("ravenclaw", "slytherin", "gryffindor", at("UDP", 5353), at("UDP", 53), [], false),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-ingress' policy for UDP protocol; ensure rule ordering is respected",
        probes: ["luna-0 -> cedric-0 UDP/53 allow", "luna-1 -> cedric-0 UDP/5353 allow"],
      },
      {
        name: "Should support an 'allow-ingress' policy for UDP protocol at the specified port",
        probes: ["harry-0 -> cedric-1 UDP/53 allow", "harry-1 -> cedric-1 UDP/5353 deny"],
      },
      {
        name: "Should support an 'deny-ingress' policy for UDP protocol; ensure rule ordering is respected",
        edit: swap("ingress", 0, 1),
        probes: ["luna-0 -> cedric-1 UDP/53 deny", "luna-1 -> cedric-1 UDP/5353 deny"],
      },
      {
        name: "Should support a 'deny-ingress' policy for UDP protocol at the specified port",
        probes: ["draco-0 -> cedric-0 UDP/5353 deny", "draco-1 -> cedric-0 UDP/53 allow"],
      },
      {
        name: "Should support an 'pass-ingress' policy for UDP protocol; ensure rule ordering is respected",
        edit: swap("ingress", 0, 2),
        probes: ["luna-0 -> cedric-1 UDP/5353 allow", "luna-1 -> cedric-1 UDP/53 allow"],
      },
      {
        name: "Should support a 'pass-ingress' policy for UDP protocol at the specified port",
        edit: swap("ingress", 3, 4),
        probes: ["draco-0 -> cedric-0 UDP/5353 allow", "draco-1 -> cedric-0 UDP/53 allow"],
      },
    ],
  },
  (() => {
    const staffRules: RuleSpec[] = [
      { action: "Deny", peers: [staff("professor-quirrell-0")], port: at("SCTP", 9003) },
      { action: "Allow", peers: [staff("professor-dumbledore-0")], port: at("SCTP", 9003) },
      { action: "Deny", peers: [staff("professor-dumbledore-0")] },
    ];
    return {
      name: "AdminNetworkPolicyIngressSCTP",
      forms: ALL_FORMS,
      start: only(
        anp(
          "ingress-sctp",
          5,
          "ravenclaw",
          "ingress",
          coreRules("gryffindor", "slytherin", "hufflepuff", at("SCTP", 9003), at("SCTP", 9003), staffRules, false),
        ),
      ),
      steps: [
        {
          name: "Should support an 'allow-ingress' policy for the specified pod (SCTP)",
          probes: ["dumbledore-0 -> luna-0 SCTP/9003 allow", "dumbledore-0 -> luna-0 TCP/80 deny"],
        },
        {
          name: "Should support an 'deny-ingress' policy for the specified pod (SCTP)",
          probes: ["quirrell-0 -> luna-0 SCTP/9003 deny", "quirrell-0 -> luna-0 TCP/80 allow"],
        },
        {
          name: "Should support an 'allow-ingress' policy for SCTP protocol; ensure rule ordering is respected",
          probes: ["harry-0 -> luna-0 SCTP/9003 allow", "harry-1 -> luna-0 SCTP/9005 allow"],
        },
        {
          name: "Should support an 'allow-ingress' policy for SCTP protocol at the specified port",
          probes: ["cedric-0 -> luna-1 SCTP/9003 allow", "cedric-1 -> luna-1 SCTP/9005 deny"],
        },
        {
          name: "Should support an 'deny-ingress' policy for SCTP protocol; ensure rule ordering is respected",
          edit: swap("ingress", 0, 1),
          probes: ["harry-0 -> luna-1 SCTP/9003 deny", "harry-1 -> luna-1 SCTP/9005 deny"],
        },
        {
          name: "Should support a 'deny-ingress' policy for SCTP protocol at the specified port",
          probes: ["draco-0 -> luna-0 SCTP/9003 deny", "draco-1 -> luna-0 SCTP/9005 allow"],
        },
        {
          name: "Should support an 'pass-ingress' policy for SCTP protocol; ensure rule ordering is respected",
          edit: swap("ingress", 0, 2),
          probes: ["harry-0 -> luna-1 SCTP/9003 allow", "harry-1 -> luna-1 SCTP/9005 allow"],
        },
        {
          name: "Should support a 'pass-ingress' policy for SCTP protocol at the specified port",
          edit: swap("ingress", 3, 4),
          probes: ["draco-0 -> luna-0 SCTP/9003 allow", "draco-1 -> luna-0 SCTP/9005 allow"],
        },
      ],
    } satisfies Conformance;
  })(),
  {
    name: "AdminNetworkPolicyEgressTCP",
    forms: ALL_FORMS,
    start: only(
      anp(
        "egress-tcp",
        6,
        "gryffindor",
        "egress",
        coreRules("ravenclaw", "slytherin", "hufflepuff", at("TCP", 80), at("TCP", 8080), [], false),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-egress' policy for TCP protocol; ensure rule ordering is respected",
        probes: ["harry-0 -> luna-0 TCP/80 allow", "harry-1 -> luna-0 TCP/8080 allow"],
      },
      {
        name: "Should support an 'allow-egress' policy for TCP protocol at the specified port",
        probes: ["harry-0 -> cedric-1 TCP/8080 allow", "harry-1 -> cedric-1 TCP/80 deny"],
      },
      {
        name: "Should support an 'deny-egress' policy for TCP protocol; ensure rule ordering is respected",
        edit: swap("egress", 0, 1),
        probes: ["harry-0 -> luna-1 TCP/80 deny", "harry-1 -> luna-1 TCP/8080 deny"],
      },
      {
        name: "Should support a 'deny-egress' policy for TCP protocol at the specified port",
        probes: ["harry-0 -> draco-0 TCP/80 deny", "harry-1 -> draco-0 TCP/8080 allow"],
      },
      {
        name: "Should support an 'pass-egress' policy for TCP protocol; ensure rule ordering is respected",
        edit: swap("egress", 0, 2),
        probes: ["harry-0 -> luna-0 TCP/80 allow", "harry-1 -> luna-0 TCP/8080 allow"],
      },
      {
        name: "Should support a 'pass-egress' policy for TCP protocol at the specified port",
        edit: swap("egress", 3, 4),
        probes: ["harry-0 -> draco-0 TCP/80 allow", "harry-1 -> draco-0 TCP/8080 allow"],
      },
    ],
  },
  {
    name: "AdminNetworkPolicyEgressUDP",
    forms: ALL_FORMS,
    start: only(
      anp(
        "egress-udp",
        7,
        "hufflepuff",
        "egress",
        coreRules("ravenclaw", "slytherin", "gryffindor", at("UDP", 5353), at("UDP", 53), [], false),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-egress' policy for UDP protocol; ensure rule ordering is respected",
        probes: ["cedric-0 -> luna-0 UDP/53 allow", "cedric-1 -> luna-0 UDP/5353 allow"],
      },
      {
        name: "Should support an 'allow-egress' policy for UDP protocol at the specified port",
        probes: ["cedric-0 -> harry-1 UDP/53 allow", "cedric-1 -> harry-1 UDP/5353 deny"],
      },
      {
        name: "Should support an 'deny-egress' policy for UDP protocol; ensure rule ordering is respected",
        edit: swap("egress", 0, 1),
        probes: ["cedric-0 -> luna-1 UDP/53 deny", "cedric-1 -> luna-1 UDP/5353 deny"],
      },
      {
        name: "Should support a 'deny-egress' policy for UDP protocol at the specified port",
        probes: ["cedric-0 -> draco-0 UDP/5353 deny", "cedric-1 -> draco-0 UDP/53 allow"],
      },
      {
        name: "Should support an 'pass-egress' policy for UDP protocol; ensure rule ordering is respected",
        edit: swap("egress", 0, 2),
        probes: ["cedric-0 -> luna-1 UDP/5353 allow", "cedric-1 -> luna-1 UDP/53 allow"],
      },
      {
        name: "Should support a 'pass-egress' policy for UDP protocol at the specified port",
        edit: swap("egress", 3, 4),
        probes: ["cedric-0 -> draco-0 UDP/5353 allow", "cedric-1 -> draco-0 UDP/53 allow"],
      },
    ],
  },
  {
    name: "AdminNetworkPolicyEgressSCTP",
    forms: ALL_FORMS,
    start: only(
      anp(
        "egress-sctp",
        8,
        "ravenclaw",
        "egress",
        coreRules("gryffindor", "slytherin", "hufflepuff", at("SCTP", 9003), at("SCTP", 9003), [], false),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-egress' policy for SCTP protocol; ensure rule ordering is respected",
        probes: ["luna-0 -> harry-0 SCTP/9003 allow", "luna-1 -> harry-0 SCTP/9005 allow"],
      },
      {
        name: "Should support an 'allow-egress' policy for SCTP protocol at the specified port",
        probes: ["luna-0 -> cedric-1 SCTP/9003 allow", "luna-1 -> cedric-1 SCTP/9005 deny"],
      },
      {
        name: "Should support an 'deny-egress' policy for SCTP protocol; ensure rule ordering is respected",
        edit: swap("egress", 0, 1),
        probes: ["luna-0 -> harry-1 SCTP/9003 deny", "luna-1 -> harry-1 SCTP/9005 deny"],
      },
      {
        name: "Should support a 'deny-egress' policy for SCTP protocol at the specified port",
        probes: ["luna-0 -> draco-0 SCTP/9003 deny", "luna-1 -> draco-0 SCTP/9005 allow"],
      },
      {
        name: "Should support an 'pass-egress' policy for SCTP protocol; ensure rule ordering is respected",
        edit: swap("egress", 0, 2),
        probes: ["luna-0 -> harry-1 SCTP/9003 allow", "luna-1 -> harry-1 SCTP/9005 allow"],
      },
      {
        name: "Should support a 'pass-egress' policy for SCTP protocol at the specified port",
        edit: swap("egress", 3, 4),
        probes: ["luna-0 -> draco-0 SCTP/9003 allow", "luna-1 -> draco-0 SCTP/9005 allow"],
      },
    ],
  },
  {
    name: "AdminNetworkPolicyEgressNamedPort",
    forms: ALL_FORMS,
    start: only(
      anp(
        "egress-tcp",
        6,
        "gryffindor",
        "egress",
        coreRules("ravenclaw", "slytherin", "hufflepuff", at("TCP", 80), at("TCP", 8080), [], false),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-egress' policy for named port",
        // Rule 5 (TCP 8080 to hufflepuff) becomes the named port "web", TCP 80 in the pod spec.
        edit: editRule("egress", 5, (r) => ({ ...r, port: { named: "web" } })),
        probes: ["harry-0 -> cedric-1 TCP/80 allow", "harry-1 -> cedric-1 TCP/8080 deny"],
      },
    ],
  },
  {
    name: "AdminNetworkPolicyIngressNamedPort",
    forms: ALL_FORMS,
    start: only(
      anp(
        "ingress-udp",
        4,
        "hufflepuff",
        "ingress",
        coreRules("ravenclaw", "slytherin", "gryffindor", at("UDP", 5353), at("UDP", 53), [], false),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-ingress' policy for named port",
        // Rule 5 (UDP 53 from gryffindor) rewritten as the named port "dns", UDP 53 in the pod spec.
        edit: editRule("ingress", 5, (r) => ({ ...r, port: { named: "dns" } })),
        probes: ["harry-0 -> cedric-1 UDP/53 allow", "harry-1 -> cedric-1 UDP/5353 deny"],
      },
    ],
  },
  {
    name: "AdminNetworkPolicyPriorityField",
    forms: ALL_FORMS,
    start: only(
      {
        name: "priority-50-example",
        baseline: false,
        priority: 50,
        subject: { house: "gryffindor" },
        ingress: [{ action: "Deny", peers: [{ nsLabel: "slytherin", podLabel: "slytherin" }] }],
        egress: [{ action: "Deny", peers: [{ nsLabel: "slytherin", podLabel: "slytherin" }] }],
      },
      {
        name: "old-priority-60-new-priority-40-example",
        baseline: false,
        priority: 60,
        subject: { house: "gryffindor" },
        ingress: [{ action: "Pass", peers: [{ nsLabel: "slytherin", podLabel: "slytherin" }] }],
        egress: [{ action: "Pass", peers: [{ nsLabel: "slytherin", podLabel: "slytherin" }] }],
      },
      {
        name: "default",
        baseline: true,
        priority: 0,
        subject: { house: "gryffindor" },
        ingress: [{ action: "Allow", peers: [{ nsLabel: "slytherin", podLabel: "slytherin" }] }],
        egress: [{ action: "Allow", peers: [{ nsLabel: "slytherin", podLabel: "slytherin" }] }],
      },
    ),
    steps: [
      {
        name: "Should Deny traffic from slytherin to gryffindor respecting ANP",
        probes: ["draco-0 -> harry-0 TCP/80 deny", "draco-1 -> harry-0 TCP/8080 deny"],
      },
      {
        name: "Should Deny traffic to slytherin from gryffindor respecting ANP",
        probes: ["harry-0 -> draco-0 TCP/80 deny", "harry-1 -> draco-0 TCP/8080 deny"],
      },
      {
        name: "Should respect ANP priority field; thus passing both ingress and egress traffic over to BANP",
        edit: (s) => ({ ...s, policies: s.policies.map((p, i) => (i === 1 ? { ...p, priority: 40 } : p)) }),
        probes: [
          "draco-0 -> harry-0 TCP/80 allow",
          "draco-1 -> harry-0 TCP/8080 allow",
          "harry-0 -> draco-0 TCP/80 allow",
          "harry-1 -> draco-0 TCP/8080 allow",
        ],
      },
    ],
  },
  (() => {
    const np = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-gress-from-to-slytherin-to-gryffindor
  namespace: ${NS("gryffindor")}
spec:
  podSelector:
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {conformance-house: slytherin}}
  egress:
  - to:
    - namespaceSelector: {matchLabels: {conformance-house: slytherin}}`;
    const slytherin: PeerSpec = { nsLabel: "slytherin" };
    return {
      name: "AdminNetworkPolicyIntegration",
      forms: ALL_FORMS,
      start: {
        policies: [
          {
            name: "pass-example",
            baseline: false,
            priority: 10,
            subject: { ns: "gryffindor" },
            ingress: [{ action: "Deny", peers: [slytherin] }],
            egress: [{ action: "Deny", peers: [slytherin] }],
          },
          {
            name: "default",
            baseline: true,
            priority: 10,
            subject: { ns: "gryffindor" },
            ingress: [{ action: "Deny", peers: [slytherin] }],
            egress: [{ action: "Deny", peers: [slytherin] }],
          },
        ],
        networkPolicies: [np],
      },
      steps: [
        {
          name: "Should Deny traffic from slytherin to gryffindor respecting ANP",
          probes: ["draco-0 -> harry-0 TCP/80 deny", "draco-1 -> harry-0 TCP/8080 deny"],
        },
        {
          name: "Should Deny traffic to slytherin from gryffindor respecting ANP",
          probes: ["harry-0 -> draco-0 TCP/80 deny", "harry-1 -> draco-0 TCP/8080 deny"],
        },
        {
          name: "Should support a 'pass-ingress' policy for ANP and respect the match for network policy",
          edit: editRule("ingress", 0, (r) => ({ ...r, action: "Pass" })),
          probes: ["draco-0 -> harry-0 TCP/80 allow", "draco-1 -> harry-0 TCP/8080 allow"],
        },
        {
          name: "Should support a 'pass-egress' policy for ANP and respect the match for network policy",
          edit: editRule("egress", 0, (r) => ({ ...r, action: "Pass" })),
          probes: ["harry-0 -> draco-0 TCP/80 allow", "harry-1 -> draco-0 TCP/8080 allow"],
        },
        {
          name: "Should support a 'pass-ingress' policy for ANP and respect the match for baseline admin network policy",
          edit: (s) => ({ ...s, networkPolicies: [] }),
          probes: ["draco-0 -> harry-0 TCP/80 deny", "draco-1 -> harry-0 TCP/8080 deny"],
        },
        {
          name: "Should support a 'pass-egress' policy for ANP and respect the match for baseline admin network policy",
          probes: ["harry-0 -> draco-0 TCP/80 deny", "harry-1 -> draco-0 TCP/8080 deny"],
        },
      ],
    } satisfies Conformance;
  })(),
  {
    name: "BaselineAdminNetworkPolicyIngressTCP",
    forms: ALL_FORMS,
    start: only(
      banp(
        "gryffindor",
        "ingress",
        coreRules(
          "ravenclaw",
          "slytherin",
          "hufflepuff",
          at("TCP", 80),
          at("TCP", 80),
          [
            { action: "Deny", peers: [staff("professor-quirrell-0")], port: at("TCP", 80) },
            { action: "Allow", peers: [staff("professor-dumbledore-0")], port: at("TCP", 80) },
          ],
          true,
        ),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-ingress' policy for TCP protocol; ensure rule ordering is respected",
        probes: ["luna-0 -> harry-0 TCP/80 allow", "luna-1 -> harry-0 TCP/8080 allow"],
      },
      {
        name: "Should support an 'allow-ingress' policy for TCP protocol at the specified port",
        probes: ["cedric-0 -> harry-1 TCP/80 allow", "cedric-1 -> harry-1 TCP/8080 deny"],
      },
      {
        name: "Should support an 'deny-ingress' policy for TCP protocol; ensure rule ordering is respected",
        edit: swap("ingress", 0, 1),
        probes: ["luna-0 -> harry-1 TCP/80 deny", "luna-1 -> harry-1 TCP/8080 deny"],
      },
      {
        name: "Should support a 'deny-ingress' policy for TCP protocol at the specified port",
        probes: ["draco-0 -> harry-0 TCP/80 deny", "draco-1 -> harry-0 TCP/8080 allow"],
      },
    ],
  },
  {
    name: "BaselineAdminNetworkPolicyEgressTCP",
    forms: ALL_FORMS,
    start: only(
      banp(
        "gryffindor",
        "egress",
        coreRules("ravenclaw", "slytherin", "hufflepuff", at("TCP", 80), at("TCP", 8080), [], true),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-egress' policy for TCP protocol; ensure rule ordering is respected",
        probes: ["harry-0 -> luna-0 TCP/80 allow", "harry-1 -> luna-0 TCP/8080 allow"],
      },
      {
        name: "Should support an 'allow-egress' policy for TCP protocol at the specified port",
        probes: ["harry-0 -> cedric-1 TCP/8080 allow", "harry-1 -> cedric-1 TCP/80 deny"],
      },
      {
        name: "Should support an 'deny-egress' policy for TCP protocol; ensure rule ordering is respected",
        edit: swap("egress", 0, 1),
        probes: ["harry-0 -> luna-1 TCP/80 deny", "harry-1 -> luna-1 TCP/8080 deny"],
      },
      {
        name: "Should support a 'deny-egress' policy for TCP protocol at the specified port",
        probes: ["harry-0 -> draco-0 TCP/80 deny", "harry-1 -> draco-0 TCP/8080 allow"],
      },
    ],
  },
  {
    name: "BaselineAdminNetworkPolicyIngressUDP",
    forms: ALL_FORMS,
    start: only(
      banp(
        "hufflepuff",
        "ingress",
        coreRules("ravenclaw", "slytherin", "gryffindor", at("UDP", 5353), at("UDP", 53), [], true),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-ingress' policy for UDP protocol; ensure rule ordering is respected",
        probes: ["luna-0 -> cedric-0 UDP/53 allow", "luna-1 -> cedric-0 UDP/5353 allow"],
      },
      {
        name: "Should support an 'allow-ingress' policy for UDP protocol at the specified port",
        probes: ["harry-0 -> cedric-1 UDP/53 allow", "harry-1 -> cedric-1 UDP/5353 deny"],
      },
      {
        name: "Should support an 'deny-ingress' policy for UDP protocol; ensure rule ordering is respected",
        edit: swap("ingress", 0, 1),
        probes: ["luna-0 -> cedric-1 UDP/53 deny", "luna-1 -> cedric-1 UDP/5353 deny"],
      },
      {
        name: "Should support a 'deny-ingress' policy for UDP protocol at the specified port",
        probes: ["draco-0 -> cedric-0 UDP/5353 deny", "draco-1 -> cedric-0 UDP/53 allow"],
      },
    ],
  },
  {
    name: "BaselineAdminNetworkPolicyEgressPodSelectorTCP",
    forms: ALL_FORMS,
    start: only(
      banp(
        "gryffindor",
        "egress",
        coreRules(
          "ravenclaw",
          "slytherin",
          "hufflepuff",
          at("TCP", 80),
          at("TCP", 8080),
          [
            { action: "Deny", peers: [staff("professor-quirrell-0")], port: at("TCP", 80) },
            { action: "Allow", peers: [staff("professor-dumbledore-0")], port: at("TCP", 80) },
          ],
          true,
        ),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-egress' policy for TCP protocol at the specified pod",
        probes: ["harry-0 -> dumbledore-0 TCP/80 allow"],
      },
      {
        name: "Should support a 'deny-egress' policy for TCP protocol at the specified pod",
        probes: ["harry-0 -> quirrell-0 TCP/80 deny"],
      },
    ],
  },
  {
    name: "BaselineAdminNetworkPolicyIngressPodSelectorTCP",
    forms: ALL_FORMS,
    start: only(
      banp(
        "gryffindor",
        "ingress",
        coreRules(
          "ravenclaw",
          "slytherin",
          "hufflepuff",
          at("TCP", 80),
          at("TCP", 80),
          [
            { action: "Deny", peers: [staff("professor-quirrell-0")], port: at("TCP", 80) },
            { action: "Allow", peers: [staff("professor-dumbledore-0")], port: at("TCP", 80) },
          ],
          true,
        ),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-ingress' policy for TCP protocol at the specified pod",
        probes: ["dumbledore-0 -> harry-1 TCP/8080 allow"],
      },
      {
        name: "Should support an 'deny-ingress' policy for TCP protocol at the specified pod",
        probes: ["quirrell-0 -> harry-1 TCP/80 deny", "quirrell-0 -> harry-1 TCP/8080 allow"],
      },
    ],
  },
  {
    name: "BaselineAdminNetworkPolicyIngressNamedPort",
    forms: ALL_FORMS,
    start: only(
      banp(
        "gryffindor",
        "ingress",
        coreRules("ravenclaw", "slytherin", "hufflepuff", at("TCP", 80), at("TCP", 80), [], true),
      ),
    ),
    steps: [
      {
        name: "Should support an 'allow-ingress' policy for named port",
        // Rule 3 (TCP 80 from hufflepuff) rewritten as the named port "web".
        edit: editRule("ingress", 3, (r) => ({ ...r, port: { named: "web" } })),
        probes: ["cedric-0 -> harry-1 TCP/80 allow", "cedric-1 -> harry-1 TCP/8080 deny"],
      },
    ],
  },
  {
    name: "CNPAdminTierIngressRulesEgressUnaffected",
    forms: ["v1alpha2", "v1beta1"],
    start: only(
      anp("admin-ingress-isolation", 20, "gryffindor", "ingress", [{ action: "Deny", peers: [ns("slytherin")] }]),
    ),
    steps: [
      {
        name: "Should enforce the ingress rule: deny ingress from slytherin to gryffindor",
        probes: ["draco-0 -> harry-0 TCP/80 deny"],
      },
      {
        name: "Should not affect egress: gryffindor can still egress to ravenclaw",
        probes: ["harry-0 -> luna-0 TCP/80 allow"],
      },
      {
        name: "Should not affect egress: gryffindor can still egress to hufflepuff",
        probes: ["harry-0 -> cedric-0 TCP/80 allow"],
      },
    ],
  },
  {
    name: "CNPAdminTierEgressRulesIngressUnaffected",
    forms: ["v1alpha2", "v1beta1"],
    start: only(
      anp("admin-egress-isolation", 20, "gryffindor", "egress", [{ action: "Deny", peers: [ns("slytherin")] }]),
    ),
    steps: [
      {
        name: "Should enforce the egress rule: deny egress from gryffindor to slytherin",
        probes: ["harry-0 -> draco-0 TCP/80 deny"],
      },
      {
        name: "Should not affect ingress: ravenclaw can still reach gryffindor",
        probes: ["luna-0 -> harry-0 TCP/80 allow"],
      },
      {
        name: "Should not affect ingress: hufflepuff can still reach gryffindor",
        probes: ["cedric-0 -> harry-0 TCP/80 allow"],
      },
    ],
  },
  (() => {
    const range = (protocol: Protocol, start: number, end: number): PortSpecLite => ({ protocol, start, end });
    const rules = (deny: RuleSpec): RuleSpec[] => [
      { action: "Allow", peers: [ns("ravenclaw")], port: range("TCP", 80, 8080) },
      { action: "Allow", peers: [ns("hufflepuff")], port: range("UDP", 53, 5353) },
      { action: "Allow", peers: [ns("slytherin")], port: range("SCTP", 9003, 9005) },
      deny,
    ];
    const everyHouse: RuleSpec = { action: "Deny", peers: [{ nsLabelExists: "conformance-house" }] };
    return {
      name: "CNPAdminTierPortRange",
      forms: ALL_FORMS,
      start: only({
        name: "port-range-rules",
        baseline: false,
        priority: 9,
        subject: { ns: "gryffindor" },
        egress: rules(everyHouse),
        ingress: rules(everyHouse),
      }),
      steps: [
        {
          name: "Should support egress port range rules across different protocols",
          probes: [
            "harry-0 -> luna-0 TCP/80 allow",
            "harry-0 -> luna-0 TCP/8080 allow",
            "harry-1 -> luna-0 UDP/53 deny",
            "harry-0 -> cedric-0 UDP/53 allow",
            "harry-0 -> cedric-0 UDP/5353 allow",
            "harry-1 -> cedric-0 TCP/80 deny",
            "harry-0 -> draco-0 SCTP/9003 allow",
            "harry-0 -> draco-0 SCTP/9005 allow",
            "harry-1 -> draco-0 TCP/80 deny",
          ],
        },
        {
          name: "Should support ingress port range rules across different protocols",
          probes: [
            "luna-0 -> harry-0 TCP/80 allow",
            "luna-0 -> harry-0 TCP/8080 allow",
            "luna-1 -> harry-0 UDP/53 deny",
            "cedric-0 -> harry-0 UDP/53 allow",
            "cedric-0 -> harry-0 UDP/5353 allow",
            "cedric-1 -> harry-0 TCP/80 deny",
            "draco-0 -> harry-0 SCTP/9003 allow",
            "draco-0 -> harry-0 SCTP/9005 allow",
            "draco-1 -> harry-0 TCP/80 deny",
          ],
        },
      ],
    } satisfies Conformance;
  })(),
  (() => {
    const policy: PolicySpec = {
      name: "inline-cidr-as-peers-example",
      baseline: false,
      priority: 85,
      subject: { house: "gryffindor" },
      egress: [
        { action: "Allow", peers: [{ nsLabel: "slytherin", podLabel: "slytherin" }] },
        { action: "Deny", peers: [{ networks: ["0.0.0.0/0", "::/0"] }] },
      ],
    };
    const everything = (to: string, verdict: string) =>
      ["TCP/80", "UDP/53", "SCTP/9003"].map((p) => `harry-1 -> ${to} ${p} ${verdict}`);
    return {
      name: "CNPAdminTierEgressInlineCIDRPeers",
      forms: ALL_FORMS,
      start: only(policy),
      steps: [
        {
          name: "Should support a 'deny-egress' rule policy for egress-cidr-peer",
          probes: [
            ...everything("luna-0", "deny"),
            ...everything("cedric-0", "deny"),
            ...everything("draco-0", "allow"),
          ],
        },
        {
          name: "Should support an 'allow-egress' rule policy for egress-cidr-peer",
          // A new rule 0 accepts luna-lovegood-0's and cedric-diggory-0's pod IPs (/32).
          edit: (s) => ({
            ...s,
            policies: [
              {
                ...policy,
                egress: [
                  { action: "Allow", peers: [{ networks: ["10.4.0.1/32", "10.3.0.1/32"] }] },
                  ...(policy.egress ?? []),
                ],
              },
            ],
          }),
          probes: [
            ...everything("luna-0", "allow"),
            ...everything("cedric-0", "allow"),
            ...everything("luna-1", "deny"),
            ...everything("cedric-1", "deny"),
          ],
        },
      ],
    } satisfies Conformance;
  })(),
];

function render(state: State, form: Form): string[] {
  return [...baseManifests(), ...state.policies.map((p) => renderPolicy(p, form)), ...state.networkPolicies];
}

function check(probe: Probe, model: ReturnType<typeof modelOf>): string | undefined {
  const m = /^(\S+) -> (\S+) (TCP|UDP|SCTP)\/(\d+) (allow|deny)$/.exec(probe);
  if (!m) throw new Error(`bad probe "${probe}"`);
  const got = decidePair(model, podId(m[1] as string), podId(m[2] as string), Number(m[4]), m[3] as Protocol);
  return got === (m[5] === "allow") ? undefined : `${probe}: Ward says ${got ? "allow" : "deny"}`;
}

for (const form of ALL_FORMS)
  describe(`network-policy-api conformance (${form === "v1alpha1" ? "AdminNetworkPolicy v1alpha1" : `ClusterNetworkPolicy ${form}`})`, () => {
    for (const test of CONFORMANCE.filter((t) => t.forms.includes(form)))
      it(test.name, () => {
        let state = test.start;
        const failures: string[] = [];
        for (const step of test.steps) {
          if (step.edit) state = step.edit(state);
          const model = modelOf(...render(state, form));
          for (const probe of step.probes) {
            const problem = check(probe, model);
            if (problem !== undefined) failures.push(`${step.name}: ${problem}`);
          }
        }
        expect(failures).toEqual([]);
      });
  });

describe("host-networked pods (network-policy-api: not included in subject selection nor in namespaces/pods peers)", () => {
  // base/manifests.yaml: the centaur StatefulSet in forbidden-forrest runs with hostNetwork: true.
  const centaur = podYaml("gryffindor", "centaur", 20, 0)
    .replace(`namespace: ${NS("gryffindor")}`, "namespace: network-policy-conformance-forbidden-forrest")
    .replace("conformance-house: gryffindor", "conformance-house: forbidden-forrest")
    .replace("spec:\n  containers:", "spec:\n  hostNetwork: true\n  containers:");
  const forrest = `apiVersion: v1
kind: Namespace
metadata:
  name: network-policy-conformance-forbidden-forrest
  labels:
    conformance-house: forbidden-forrest`;
  const CENTAUR = "network-policy-conformance-forbidden-forrest/centaur-0";
  const HARRY = podId("harry-0");
  const DRACO = podId("draco-0");
  for (const form of ALL_FORMS) {
    it(`${form}: a namespaces peer matches the namespace's pods but not its host-network pod`, () => {
      const deny = anp("deny-all-in", 5, "gryffindor", "ingress", [
        { action: "Deny", peers: [{ nsLabel: "forbidden-forrest" }, ns("slytherin")] },
      ]);
      const m = modelOf(...baseManifests(), forrest, centaur, renderPolicy(deny, form));
      expect(decidePair(m, DRACO, HARRY, 80, "TCP")).toBe(false);
      expect(decidePair(m, CENTAUR, HARRY, 80, "TCP")).toBe(true);
    });

    it(`${form}: a host-network pod is never a subject`, () => {
      const deny = anp("deny-forrest-out", 5, "gryffindor", "egress", [{ action: "Deny", peers: [ns("gryffindor")] }]);
      const subject = { ...deny, subject: { house: "forbidden-forrest" as House } };
      const m = modelOf(...baseManifests(), forrest, centaur, renderPolicy(subject, form));
      expect(decidePair(m, CENTAUR, HARRY, 80, "TCP")).toBe(true);
    });
  }
});

describe("AdminNetworkPolicyEgressNodePeers / CNPAdminTierEgressNodePeers (nodes peers select node IPs)", () => {
  // The host-network centaur pods carry their node's IP; the Node objects give the addresses nodes peers select.
  const node = (name: string, ip: string, os: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: {kubernetes.io/os: ${os}}
status:
  addresses:
  - {type: InternalIP, address: ${ip}}
  - {type: Hostname, address: ${name}}`;
  const centaur = (replica: number, ip: string) => `apiVersion: v1
kind: Pod
metadata:
  name: centaur-${replica}
  namespace: network-policy-conformance-forbidden-forrest
  labels: {conformance-house: forbidden-forrest}
spec:
  hostNetwork: true
  containers:
  - {name: centaur-36363, image: agnhost, ports: [{containerPort: 36363, protocol: TCP, name: web-36363}]}
status:
  podIP: ${ip}`;
  const forrest = `apiVersion: v1
kind: Namespace
metadata:
  name: network-policy-conformance-forbidden-forrest`;
  const policy = (form: Form) =>
    renderPolicy(
      { name: "node-selector-as-peer-example", baseline: false, priority: 75, subject: { house: "gryffindor" } },
      form,
    ) +
    `
  egress:
  - name: allow-egress-to-36363-on-nodes
    action: ${form === "v1alpha1" ? "Allow" : "Accept"}
    to: [{nodes: {matchLabels: {kubernetes.io/os: linux}}}]
    ${renderPort(at("TCP", 36363), form)}
  - name: pass-egress-to-5353-on-nodes
    action: Pass
    to: [{nodes: {matchLabels: {kubernetes.io/os: linux}}}]
    ${renderPort(at("UDP", 5353), form)}
  - name: deny-egress-to-slytherin-and-nodes
    action: Deny
    to:
    - pods: {namespaceSelector: {matchLabels: {conformance-house: slytherin}}, podSelector: {matchLabels: {conformance-house: slytherin}}}
    - nodes: {matchLabels: {kubernetes.io/os: linux}}`;
  const CENTAUR = "network-policy-conformance-forbidden-forrest/centaur-1";
  for (const form of ALL_FORMS)
    it(`${form}: allow 36363, pass UDP 5353, deny the rest to node IPs`, () => {
      const m = modelOf(
        ...baseManifests(),
        forrest,
        node("node-a", "172.18.0.2", "linux"),
        node("node-b", "172.18.0.3", "linux"),
        centaur(0, "172.18.0.2"),
        centaur(1, "172.18.0.3"),
        policy(form),
      );
      const harry = podId("harry-1");
      expect(decidePair(m, harry, CENTAUR, 36363, "TCP")).toBe(true);
      expect(decidePair(m, harry, CENTAUR, 5353, "UDP")).toBe(true);
      expect(decidePair(m, harry, CENTAUR, 36364, "TCP")).toBe(false);
      expect(decidePair(m, harry, CENTAUR, 53, "UDP")).toBe(false);
      expect(decidePair(m, harry, CENTAUR, 9003, "SCTP")).toBe(false);
      // A node the selector does not pick is not a peer: its address is not denied.
      const windows = modelOf(
        ...baseManifests(),
        forrest,
        node("node-b", "172.18.0.3", "windows"),
        centaur(1, "172.18.0.3"),
        policy(form),
      );
      expect(decidePair(windows, harry, CENTAUR, 36364, "TCP")).toBe(true);
      expect(windows.warnings.map((w) => w.code)).not.toContain("nodes-peer-not-evaluated");
    });

  it("without Node objects a nodes peer matches nothing, with a warning naming file:line", () => {
    const m = modelOf(...baseManifests(), policy("v1beta1"));
    const w = m.warnings.filter((x) => x.code === "nodes-peer-not-evaluated");
    expect(w.length).toBeGreaterThan(0);
    expect(w[0]?.line).toBeGreaterThan(1);
  });
});

describe("CNPAdminTierHairpin (base/admin_tier/hairpin-rules.yaml)", () => {
  const service = `apiVersion: v1
kind: Service
metadata:
  name: harry-potter-hairpin-service
  namespace: ${NS("gryffindor")}
spec:
  selector:
    conformance-house: gryffindor
  ports:
  - {name: web, port: 80, targetPort: 80, protocol: TCP}`;
  const deny = anp("hairpin-ingress-deny", 15, "gryffindor", "ingress", [
    { action: "Deny", peers: [ns("gryffindor")] },
  ]);
  for (const form of ALL_FORMS)
    it(`${form}: Should enforce CNP ingress deny policy on hairpin service traffic`, () => {
      // harry-potter-0 → the Service's cluster IP → a gryffindor pod, possibly itself: not loopback, policy applies.
      const m = modelOf(...baseManifests(), service, renderPolicy(deny, form));
      const r = reach(m, {
        from: podId("harry-0"),
        to: `svc/${NS("gryffindor")}/harry-potter-hairpin-service`,
        port: 80,
        protocol: "TCP",
      });
      expect(r.pairs.map((p) => p.to)).toContain(podId("harry-0"));
      expect(r.allowed).toBe(false);
    });
});

describe("ClusterNetworkPolicy loader", () => {
  const cnp = (spec: string, version = "v1beta1") => `apiVersion: policy.networking.k8s.io/${version}
kind: ClusterNetworkPolicy
metadata:
  name: p
spec:
${spec}`;
  const problems = (...docs: string[]) => {
    try {
      modelOf(...baseManifests(), ...docs);
    } catch (e) {
      if (e instanceof InputError) return e.problems.map((p) => `${p.code} ${p.file}:${p.line}`);
      throw e;
    }
    return [];
  };

  it("a harness check: a wrong expectation is reported", () => {
    const model = modelOf(
      ...render(only(anp("d", 1, "gryffindor", "ingress", [{ action: "Deny", peers: [ns("slytherin")] }])), "v1beta1"),
    );
    expect(check("draco-0 -> harry-0 TCP/80 allow", model)).toBe("draco-0 -> harry-0 TCP/80 allow: Ward says deny");
  });

  it("rejects an unknown tier, action and a priority out of range, naming file:line", () => {
    expect(
      problems(
        cnp(`  tier: Middle
  priority: 1001
  subject: {namespaces: {}}
  ingress:
  - action: Allow
    from: [{namespaces: {}}]`),
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^invalid-tier test\.yaml:\d+$/),
        expect.stringMatching(/^invalid-priority test\.yaml:\d+$/),
        expect.stringMatching(/^invalid-action test\.yaml:\d+$/),
      ]),
    );
  });

  it("v1beta1 rejects a CIDR with host bits, the v1alpha2 `ports` list and a range whose start is not below its end", () => {
    const codes = problems(
      cnp(`  tier: Admin
  priority: 1
  subject: {namespaces: {}}
  egress:
  - action: Deny
    to: [{networks: [10.0.0.1/8]}]
  - action: Deny
    to: [{namespaces: {}}]
    ports: [{portNumber: {port: 80}}]
  - action: Deny
    to: [{namespaces: {}}]
    protocols: [{tcp: {destinationPort: {range: {start: 90, end: 90}}}}]`),
    ).map((c) => c.split(" ")[0]);
    expect(codes).toEqual(expect.arrayContaining(["invalid-cidr", "unknown-field", "invalid-port-range"]));
  });

  it("a named port cannot go with a networks peer; networks are egress-only", () => {
    const codes = problems(
      cnp(`  tier: Baseline
  priority: 1
  subject: {namespaces: {}}
  egress:
  - action: Accept
    to: [{networks: [10.0.0.0/8]}]
    protocols: [{destinationNamedPort: web}]
  ingress:
  - action: Accept
    from: [{networks: [10.0.0.0/8]}]`),
    ).map((c) => c.split(" ")[0]);
    expect(codes.filter((c) => c === "invalid-port")).toHaveLength(1);
    expect(codes).toContain("invalid-peer");
  });

  it("pods.namespaceSelector is optional in v1beta1 (every namespace) and required in v1alpha2", () => {
    const spec = `  tier: Admin
  priority: 1
  subject: {pods: {podSelector: {matchLabels: {conformance-house: gryffindor}}}}
  ingress:
  - action: Deny
    from: [{pods: {podSelector: {matchLabels: {conformance-house: slytherin}}}}]`;
    const m = modelOf(...baseManifests(), cnp(spec));
    expect(decidePair(m, podId("draco-0"), podId("harry-0"), 80, "TCP")).toBe(false);
    expect(decidePair(m, podId("luna-0"), podId("harry-0"), 80, "TCP")).toBe(true);
    expect(problems(cnp(spec, "v1alpha2")).map((c) => c.split(" ")[0])).toEqual(["missing-field", "missing-field"]);
  });

  it("domainNames: an exact name, or '*.' for one or more labels, accepted before a deny to every address", () => {
    const spec = `  tier: Admin
  priority: 1
  subject: {namespaces: {matchLabels: {conformance-house: gryffindor}}}
  egress:
  - action: Accept
    to: [{domainNames: ["*.kubernetes.io", "example.com"]}]
  - action: Deny
    to: [{networks: [0.0.0.0/0, "::/0"]}]`;
    const m = modelOf(...baseManifests(), cnp(spec));
    const to = (name: string) => reach(m, { from: podId("harry-0"), to: name, port: 443, protocol: "TCP" }).allowed;
    expect([to("blog.kubernetes.io"), to("a.b.kubernetes.io"), to("example.com")]).toEqual([true, true, true]);
    expect([to("kubernetes.io"), to("www.example.com"), to("wikipedia.org")]).toEqual([false, false, false]);
  });

  it("domainNames only in Accept rules", () => {
    const spec = `  tier: Admin
  priority: 1
  subject: {namespaces: {}}
  egress:
  - action: Deny
    to: [{domainNames: [example.com]}]`;
    expect(problems(cnp(spec)).map((c) => c.split(" ")[0])).toEqual(["invalid-peer"]);
  });

  it("an unsupported apiVersion is an error, not an ignored object", () => {
    expect(problems(cnp("  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}", "v1alpha1"))).toEqual([
      expect.stringMatching(/^unsupported-version test\.yaml:\d+$/),
    ]);
  });

  it("two policies of one tier at the same priority get a warning", () => {
    const a = renderPolicy(
      anp("a", 5, "gryffindor", "ingress", [{ action: "Deny", peers: [ns("slytherin")] }]),
      "v1beta1",
    );
    const b = renderPolicy(
      anp("b", 5, "gryffindor", "ingress", [{ action: "Allow", peers: [ns("slytherin")] }]),
      "v1beta1",
    );
    expect(modelOf(...baseManifests(), a, b).warnings.map((w) => w.code)).toContain("anp-same-priority");
  });
});
