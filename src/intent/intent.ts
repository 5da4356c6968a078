import type { Cidr } from "../model/cidr.js";
import type { LabelSelector } from "../model/labels.js";
import type { PortSpec } from "../model/ports.js";

/** Workloads named by an intent: one by id, or all of a namespace whose pods match a selector. */
export type WorkloadRef =
  | { readonly kind: "id"; readonly id: string }
  | { readonly kind: "selector"; readonly namespace: string; readonly selector: LabelSelector };

export type IntentPeer =
  | { readonly kind: "workloads"; readonly ref: WorkloadRef; readonly label: string }
  | { readonly kind: "cidr"; readonly cidr: Cidr; readonly label: string }
  | { readonly kind: "fqdn"; readonly fqdn: string; readonly label: string };

export type IntentPath = {
  /** Position in `paths`, and a display name ("frontend → backend" unless named). */
  readonly index: number;
  readonly name: string;
  readonly from: IntentPeer & { kind: "workloads" | "cidr" };
  readonly to: IntentPeer;
  /** Same semantics as a NetworkPolicy port entry: a named port resolves on the destination's containers. */
  readonly ports: readonly PortSpec[] | "all";
  readonly http?: { readonly methods: readonly string[]; readonly paths: readonly string[] };
  /** "required": the client's own identity; a list: allowed principals. */
  readonly identity?: "required" | readonly string[];
  readonly file: string;
  readonly line: number;
};

export type Intent = {
  readonly file: string;
  /** Explicit scope, or undefined: the namespaces of every workload reference. */
  readonly namespaces: readonly string[] | undefined;
  readonly deny: boolean;
  readonly dns: boolean;
  readonly paths: readonly IntentPath[];
};

/** kube-dns, as the DNS default names it: k8s-app=kube-dns in kube-system (the label CoreDNS keeps for compatibility). */
export const KUBE_DNS: WorkloadRef = {
  kind: "selector",
  namespace: "kube-system",
  selector: { matchLabels: { "k8s-app": "kube-dns" }, matchExpressions: [] },
};

/**
 * An intent DNS name as a Cilium matchPattern: a literal name as is; `*.example.com` matches every sub-domain of
 * example.com at any depth and never example.com itself (a subdomain is any domain contained in it, RFC 1034 §3.1),
 * which is Cilium's leading `**.` (pkg/fqdn/matchpattern: one or more whole labels).
 */
export function intentFqdnPattern(fqdn: string): string {
  return fqdn.startsWith("*.") ? `*${fqdn}` : fqdn;
}

export function refNamespaces(ref: WorkloadRef): string {
  return ref.kind === "id" ? (ref.id.split("/")[0] ?? "") : ref.namespace;
}

/** The namespaces the intent governs: explicit, or every namespace a workload reference names. */
export function governedNamespaces(intent: Intent): Set<string> {
  if (intent.namespaces !== undefined) return new Set(intent.namespaces);
  const out = new Set<string>();
  for (const p of intent.paths)
    for (const peer of [p.from, p.to]) if (peer.kind === "workloads") out.add(refNamespaces(peer.ref));
  return out;
}
