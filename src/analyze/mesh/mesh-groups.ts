import { type Cidr, cidrContains, parseCidr } from "../../model/cidr.js";
import type { Pod } from "../../model/endpoint.js";
import type { Model } from "../../model/model.js";
import type { LinkerdOptions } from "./linkerd-evaluate.js";

/** Every address block a mesh rule tests: Istio ipBlocks/remoteIpBlocks/source.ip, Linkerd networks, cluster networks. */
export function meshBlocks(model: Model, opts: LinkerdOptions): Cidr[] {
  const texts = new Set<string>(opts.clusterNetworks);
  for (const p of model.mesh?.istio.authorizationPolicies ?? [])
    for (const r of p.rules) {
      for (const s of r.from ?? [])
        for (const v of [
          ...(s.ipBlocks?.values ?? []),
          ...(s.ipBlocks?.notValues ?? []),
          ...(s.remoteIpBlocks?.values ?? []),
          ...(s.remoteIpBlocks?.notValues ?? []),
        ])
          texts.add(v);
      for (const w of r.when)
        if (w.key === "source.ip" || w.key === "remote.ip")
          for (const v of [...(w.values ?? []), ...(w.notValues ?? [])]) texts.add(v);
    }
  const l = model.mesh?.linkerd;
  for (const n of l?.networkAuthentications ?? []) for (const e of n.networks) texts.add(e.cidr).add(e.except.join());
  for (const a of l?.serverAuthorizations ?? [])
    for (const e of a.client.networks ?? []) texts.add(e.cidr).add(e.except.join());
  const out: Cidr[] = [];
  for (const t of texts)
    for (const part of t.split(","))
      if (part !== "")
        try {
          out.push(parseCidr(part));
        } catch {
          // A malformed block was reported at load; it cannot tell pods apart.
        }
  return out;
}

/**
 * What the mesh layer reads of a pod beyond its cluster pod class (namespace, labels, named ports): service account,
 * annotations (injection, default inbound policy), hostNetwork, every container port, and which mesh address blocks
 * each of its addresses falls in. Two pods of one class with the same key get the same mesh verdicts.
 */
export function meshGroupKey(pod: Pod, blocks: readonly Cidr[]): string {
  const annotations = Object.entries(pod.annotations ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const ports = pod.ports.map((p) => `${p.name ?? ""}/${p.protocol}/${p.port}`).sort();
  const ips = pod.ips.map((ip) => {
    const c = parseCidr(ip);
    return `${c.family}:${blocks.map((b) => (cidrContains(b, c) ? "1" : "0")).join("")}`;
  }); // in order: Linkerd reads the first address
  return JSON.stringify([pod.serviceAccount, pod.hostNetwork, annotations, ports, ips]);
}
