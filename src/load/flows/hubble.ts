import type { Labels } from "../../model/labels.js";
import type { Protocol } from "../../model/ports.js";
import type { Flow, FlowEndpoint } from "./flow.js";

/** Why a line is not a flow Ward keeps: not an error, but reported (replies, ICMP, …). */
export type Skip = { readonly skip: string };

type HubbleEndpoint = { namespace?: string; pod_name?: string; labels?: string[] };
type HubbleL4 = Partial<Record<Protocol, { source_port?: number; destination_port?: number }>> &
  Record<string, unknown>;
type HubbleFlow = {
  verdict?: string;
  IP?: { source?: string; destination?: string };
  l4?: HubbleL4;
  source?: HubbleEndpoint;
  destination?: HubbleEndpoint;
  is_reply?: boolean;
};

// Labels Cilium adds that name the pod itself rather than its workload; they must not end up in a selector.
const PER_POD = new Set([
  "pod-template-hash",
  "controller-revision-hash",
  "statefulset.kubernetes.io/pod-name",
  "pod-template-generation",
]);

/** Hubble labels "k8s:app=frontend" → {app: frontend}; Cilium's own io.* labels and other sources are left out. */
function labelsOf(list: readonly string[] | undefined): { labels: Labels; world: boolean } {
  const labels: Record<string, string> = {};
  let world = false;
  for (const entry of list ?? []) {
    if (entry === "reserved:world" || entry.startsWith("reserved:world")) world = true;
    if (!entry.startsWith("k8s:")) continue;
    const body = entry.slice(4);
    const eq = body.indexOf("=");
    const key = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? "" : body.slice(eq + 1);
    if (key.startsWith("io.kubernetes.") || key.startsWith("io.cilium.") || PER_POD.has(key)) continue;
    labels[key] = value;
  }
  return { labels, world };
}

function endpoint(e: HubbleEndpoint | undefined, ip: string | undefined): FlowEndpoint {
  const { labels, world } = labelsOf(e?.labels);
  return {
    ...(e?.namespace ? { namespace: e.namespace } : {}),
    ...(e?.pod_name ? { pod: e.pod_name } : {}),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(ip ? { ip } : {}),
    ...(world ? { world } : {}),
  };
}

/**
 * One `hubble observe -o json` line: {"flow": {...}} (or a bare flow object). Field names from Cilium's
 * api/v1/flow/flow.proto: verdict FORWARDED/DROPPED/AUDIT/…, IP.source/destination, l4.TCP|UDP|SCTP.destination_port,
 * source/destination {namespace, pod_name, labels}, is_reply (a reply is not a new connection: skipped).
 */
export function parseHubble(value: Record<string, unknown>, file: string, line: number): Flow | Skip | string {
  const flow = (value.flow ?? value) as HubbleFlow;
  if (typeof flow !== "object" || flow === null) return "the flow field is not an object";
  if (flow.is_reply === true) return { skip: "reply" };
  const l4 = flow.l4;
  if (!l4 || typeof l4 !== "object") return { skip: "no L4 ports" };
  const protocol = (["TCP", "UDP", "SCTP"] as const).find((p) => l4[p] !== undefined);
  if (!protocol) return { skip: "not TCP, UDP or SCTP" };
  const port = l4[protocol]?.destination_port;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)
    return `l4.${protocol}.destination_port is not a port number`;
  const verdict = flow.verdict;
  if (typeof verdict !== "string") return "the flow has no verdict";
  const v = verdict === "DROPPED" || verdict === "ERROR" ? "denied" : verdict === "AUDIT" ? "audit" : "allowed";
  return {
    from: endpoint(flow.source, flow.IP?.source),
    to: endpoint(flow.destination, flow.IP?.destination),
    port,
    protocol,
    verdict: v,
    format: "hubble",
    file,
    line,
  };
}
