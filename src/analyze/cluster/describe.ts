import { formatAddress } from "../../model/cidr.js";
import { formatSelector, isEmptySelector } from "../../model/labels.js";
import type { Peer } from "../../model/policy.js";
import { formatPortSpec, type PortSpec } from "../../model/ports.js";
import type { AddressRanges } from "../address-set.js";

export function describePeer(peer: Peer | "any"): string {
  if (peer === "any") return "any peer";
  switch (peer.kind) {
    case "ipBlock": {
      const except = peer.block.except.map((e) => e.text);
      const where = peer.externalOnly ? " (outside the cluster)" : "";
      const origin = peer.origin === undefined ? "" : ` of ${peer.origin}`;
      return `ipBlock ${peer.block.cidr.text}${except.length ? ` except ${except.join(", ")}` : ""}${origin}${where}`;
    }
    case "entity":
      return `entity ${peer.entity}`;
    case "fqdn":
      return `FQDN ${peer.pattern}`;
    case "nodes":
      return `nodes ${formatSelector(peer.selector)}`;
    case "pods": {
      const ns =
        peer.namespaces.kind === "same"
          ? `namespace ${peer.namespaces.namespace}`
          : `namespaces ${formatSelector(peer.namespaces.selector)}`;
      const sa = peer.serviceAccounts === undefined ? "" : ` with service account ${peer.serviceAccounts.join("|")}`;
      return `${isEmptySelector(peer.pods) ? "all pods" : `pods ${formatSelector(peer.pods)}`} in ${ns}${sa}`;
    }
  }
}

export function describePort(port: PortSpec | "all"): string {
  return port === "all" ? "all ports" : formatPortSpec(port);
}

export function describeRanges(family: 4 | 6, ranges: AddressRanges): string {
  return ranges
    .map(([s, e]) => (s === e ? formatAddress(family, s) : `${formatAddress(family, s)}-${formatAddress(family, e)}`))
    .join(", ");
}
