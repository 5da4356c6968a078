import { z } from "zod";
import { type Cidr, isValidIp, parseCidr } from "../../model/cidr.js";
import type { Labels } from "../../model/labels.js";
import { selectorMatches } from "../../model/labels.js";
import type { ClusterPolicy, Peer, PolicyRule } from "../../model/policy.js";
import type { SourceRef } from "../../model/source-ref.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Loaded } from "./admin-network-policy.js";
import { readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { objectMeta } from "./schemas.js";

/*
 * Nodes (v1), for the `nodes` peers of AdminNetworkPolicy / ClusterNetworkPolicy egress rules: "It selects the
 * nodeIPs as the peer type by matching on the IPs present in the node.Status.Addresses field of the node"
 * (network-policy-api ClusterNetworkPolicyEgressPeer.Nodes). A nodes peer becomes one ipBlock peer per address of
 * every Node whose labels it selects (host-network pods use their node's address, so they match too). Without any
 * Node in the input the peer cannot be evaluated: it matches nothing and a warning says so.
 */

export type NodeInfo = {
  readonly name: string;
  readonly labels: Labels;
  readonly addresses: readonly { readonly cidr: Cidr; readonly line: number }[];
  readonly source: SourceRef;
};

const nodeSchema = z.object({
  apiVersion: z.unknown().optional(),
  kind: z.unknown().optional(),
  metadata: objectMeta.optional(),
  spec: z.unknown().optional(),
  status: z
    .object({
      addresses: z.array(z.object({ type: z.string().optional(), address: z.string() })).optional(),
    })
    .optional(),
});

const loadedNodes = new WeakMap<object, NodeInfo>();

/** A Node → no policy; its labels and addresses are kept for resolveNodePeers. */
export function loadNode(obj: RawObject, diag: Diagnostics): Loaded | undefined {
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(nodeSchema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: true, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  const addresses: { cidr: Cidr; line: number }[] = [];
  data.status?.addresses?.forEach((a, i) => {
    // Hostname and DNS entries are names, not IPs: only IP addresses are node IPs.
    if (isValidIp(a.address))
      addresses.push({ cidr: parseCidr(a.address), line: obj.locator.lineOf(["status", "addresses", i]) });
  });
  const node: NodeInfo = { name: identity.name, labels: identity.labels, addresses, source: identity.ref };
  const loaded: Loaded = { identity, policies: [] };
  loadedNodes.set(loaded.policies, node);
  return loaded;
}

/** The Node a loaded item defines (undefined for anything else). */
export function nodeOf(loaded: Loaded): NodeInfo | undefined {
  return loadedNodes.get(loaded.policies);
}

/**
 * Gives every `nodes` peer the addresses of the Nodes it selects (ipBlock peers after it). With no Node in the input,
 * each policy with a nodes peer gets a warning: Ward cannot tell which addresses it means.
 */
export function resolveNodePeers(
  policies: readonly ClusterPolicy[],
  nodes: readonly NodeInfo[],
  diag: Diagnostics,
): ClusterPolicy[] {
  return policies.map((policy) => {
    let changed = false;
    const fix = (rules: readonly PolicyRule[] | undefined) =>
      rules?.map((r): PolicyRule => {
        if (r.peers === "any" || !r.peers.some((p) => p.kind === "nodes")) return r;
        changed = true;
        const peers = r.peers.flatMap((peer): Peer[] => {
          if (peer.kind !== "nodes") return [peer];
          if (nodes.length === 0)
            diag.warnings.push({
              code: "nodes-peer-not-evaluated",
              message: "nodes peer: the input has no Node objects, so this peer matches no address in the analysis",
              file: r.source.file,
              line: peer.line,
            });
          const selected = nodes.filter((n) => selectorMatches(peer.selector, n.labels));
          return [
            peer,
            ...selected.flatMap((n) =>
              n.addresses.map(
                (a): Peer => ({
                  kind: "ipBlock",
                  block: { cidr: a.cidr, except: [] },
                  origin: `Node ${n.name}`,
                  line: peer.line,
                }),
              ),
            ),
          ];
        });
        return { ...r, peers };
      });
    const ingress = fix(policy.ingress);
    const egress = fix(policy.egress);
    if (!changed) return policy;
    return { ...policy, ...(ingress === undefined ? {} : { ingress }), ...(egress === undefined ? {} : { egress }) };
  });
}

/**
 * Cilium's host and remote-node entities name Nodes: with no Node in the input no address is a node's, so such a peer
 * matches nothing. Each rule with one gets a warning.
 */
export function warnNodeEntities(
  policies: readonly ClusterPolicy[],
  nodes: readonly NodeInfo[],
  diag: Diagnostics,
): void {
  if (nodes.length > 0) return;
  for (const policy of policies)
    for (const r of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
      if (r.peers === "any") continue;
      for (const peer of r.peers)
        if (peer.kind === "entity" && (peer.entity === "host" || peer.entity === "remote-node"))
          diag.warnings.push({
            code: "node-entity-not-evaluated",
            message: `entity "${peer.entity}": the input has no Node objects, so it matches no address in the analysis`,
            file: r.source.file,
            line: peer.line,
          });
    }
}
