import { parseCidr } from "../../model/cidr.js";
import { EVERYTHING } from "../../model/labels.js";
import {
  type ClusterPolicy,
  DEFAULT_TIER,
  type Direction,
  NETWORK_POLICY_ORDER,
  type Peer,
  type PolicyRule,
} from "../../model/policy.js";
import type { PortSpec } from "../../model/ports.js";
import type { Diagnostics } from "../diagnostics.js";
import { readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { type NetworkPolicyData, type NetworkPolicyPeerData, networkPolicySchema } from "./schemas.js";
import { toLabelSelector } from "./selectors.js";
import { checkNetworkPolicy, parseStrictCidr } from "./validate-network-policy.js";

/** A NetworkPolicy (networking.k8s.io/v1) → ClusterPolicy, or undefined when it has problems (in `diag`). */
export function loadNetworkPolicy(obj: RawObject, diag: Diagnostics): ClusterPolicy | undefined {
  const before = diag.errorCount;
  const data = parseObject(networkPolicySchema, obj.value, diag, { file: obj.file, locator: obj.locator });
  if (data === undefined) return undefined;
  const id = readIdentity(obj, data.metadata, { clusterScoped: false, nameRule: "subdomain" }, diag);
  checkNetworkPolicy(data, diag, { file: obj.file, locator: obj.locator });
  if (id === undefined || diag.errorCount > before) return undefined;
  const namespace = id.namespace as string;
  const spec = data.spec ?? {};
  if (spec.podSelector === undefined) {
    diag.warn(
      "missing-pod-selector",
      `NetworkPolicy ${namespace}/${id.name} has no spec.podSelector: it selects every pod in ${namespace}`,
      id.site,
      ["spec"],
    );
  }
  const types = policyTypes(data);
  const policy: { -readonly [K in keyof ClusterPolicy]: ClusterPolicy[K] } = {
    namespace,
    name: id.name,
    podSelector: toLabelSelector(spec.podSelector),
    // A NetworkPolicy is an allow-list in the default tier: selecting a pod isolates it for its policy types.
    tier: DEFAULT_TIER,
    order: NETWORK_POLICY_ORDER,
    isolates: { ingress: types.has("ingress"), egress: types.has("egress") },
    source: id.ref,
  };
  for (const direction of ["ingress", "egress"] as const) {
    const rules = spec[direction];
    if (types.has(direction)) {
      policy[direction] = (rules ?? []).map((_, i) => toRule(data, direction, i, namespace, obj));
    } else if (rules !== undefined && rules.length > 0) {
      diag.warn(
        "ignored-rules",
        `spec.${direction} has rules but policyTypes (${[...types].map(capitalize).join(", ")}) does not include ${capitalize(direction)}: they are ignored`,
        id.site,
        ["spec", direction],
      );
    }
  }
  return policy;
}

function capitalize(direction: Direction): string {
  return direction === "ingress" ? "Ingress" : "Egress";
}

/**
 * The policy types in effect. k8s pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy: when policyTypes is
 * empty it is [Ingress], plus Egress if len(spec.Egress) != 0.
 */
function policyTypes(policy: NetworkPolicyData): Set<Direction> {
  const spec = policy.spec ?? {};
  const given = spec.policyTypes ?? [];
  if (given.length === 0) {
    const types = new Set<Direction>(["ingress"]);
    if ((spec.egress ?? []).length !== 0) types.add("egress");
    return types;
  }
  return new Set(given.map((t) => (t === "Ingress" ? "ingress" : "egress")));
}

function toRule(
  data: NetworkPolicyData,
  direction: Direction,
  i: number,
  namespace: string,
  obj: RawObject,
): PolicyRule {
  const rule = data.spec?.[direction]?.[i] ?? {};
  const path = ["spec", direction, i] as const;
  const locator = obj.locator;
  const peersKey = direction === "ingress" ? "from" : "to";
  const peers = (rule as { from?: NetworkPolicyPeerData[]; to?: NetworkPolicyPeerData[] })[peersKey] ?? [];
  const ports = rule.ports ?? [];
  return {
    action: "allow",
    // An empty or absent from/to matches every peer; an empty or absent ports list every port.
    peers:
      peers.length === 0
        ? "any"
        : peers.map((peer, j) => toPeer(peer, namespace, locator.lineOf([...path, peersKey, j]))),
    ports:
      ports.length === 0
        ? "all"
        : ports.map((port, j) => {
            const spec: { -readonly [K in keyof PortSpec]: PortSpec[K] } = {
              protocol: (port.protocol ?? "TCP") as PortSpec["protocol"],
              line: locator.lineOf([...path, "ports", j]),
            };
            if (port.port !== undefined) spec.port = port.port;
            if (port.endPort !== undefined) spec.endPort = port.endPort;
            return spec;
          }),
    source: {
      kind: "NetworkPolicy",
      name: (data.metadata?.name ?? "") as string,
      namespace,
      file: obj.file,
      line: locator.lineOf(path),
    },
  };
}

function toPeer(peer: NetworkPolicyPeerData, namespace: string, line: number): Peer {
  if (peer.ipBlock !== undefined) {
    const block = peer.ipBlock;
    // Checked by checkNetworkPolicy: both parse.
    const parse = (text: string) => parseStrictCidr(text) ?? parseCidr(text);
    return {
      kind: "ipBlock",
      block: { cidr: parse(block.cidr as string), except: (block.except ?? []).map(parse) },
      line,
    };
  }
  if (peer.namespaceSelector === undefined) {
    // podSelector alone: pods of the policy's own namespace.
    return { kind: "pods", namespaces: { kind: "same", namespace }, pods: toLabelSelector(peer.podSelector), line };
  }
  return {
    kind: "pods",
    namespaces: { kind: "selector", selector: toLabelSelector(peer.namespaceSelector) },
    // namespaceSelector alone: every pod of the selected namespaces.
    pods: peer.podSelector === undefined ? EVERYTHING : toLabelSelector(peer.podSelector),
    line,
  };
}
