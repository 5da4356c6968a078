import { type Cidr, parseCidr } from "../model/cidr.js";
import type { Pod } from "../model/endpoint.js";
import type { Labels } from "../model/labels.js";
import type { Model } from "../model/model.js";

/** One end of a connection: a pod (with its namespace's labels) or an external address range. */
export type Party =
  | { readonly kind: "pod"; readonly pod: Pod; readonly namespaceLabels: Labels; readonly ips: readonly Cidr[] }
  | { readonly kind: "external"; readonly range: Cidr }
  /** A DNS name outside the cluster (egress by name). */
  | { readonly kind: "fqdn"; readonly name: string };

export function partyName(party: Party): string {
  if (party.kind === "fqdn") return party.name;
  return party.kind === "pod" ? `${party.pod.namespace}/${party.pod.name}` : party.range.text;
}

export function podParty(model: Model, pod: Pod): Party {
  return {
    kind: "pod",
    pod,
    namespaceLabels: model.namespaces.get(pod.namespace)?.labels ?? {},
    ips: pod.ips.map((ip) => parseCidr(ip)),
  };
}

export function externalParty(cidr: string): Party {
  return { kind: "external", range: parseCidr(cidr) };
}
