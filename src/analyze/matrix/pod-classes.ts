import { type Cidr, parseCidr } from "../../model/cidr.js";
import type { Pod } from "../../model/endpoint.js";
import type { Labels } from "../../model/labels.js";
import type { Model } from "../../model/model.js";
import type { IpBlock } from "../../model/policy.js";
import type { ContainerPort } from "../../model/ports.js";
import { ipInBlock } from "../address-set.js";

/**
 * Pods that no policy can tell apart: same namespace, same labels, same membership in every ipBlock
 * the policies use, same named ports. The engine decides class pairs, so cost grows with classes, not pods².
 */
export type PodClass = {
  readonly index: number;
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  readonly namedPorts: readonly ContainerPort[];
  /** Index (into PodClasses.blocks) of every ipBlock that contains one of the pods' IPs. */
  readonly blocks: ReadonlySet<number>;
  readonly namedPortsKey: string;
  /** The pods' service account (part of the class only when some peer selects by service account). */
  readonly serviceAccount: string;
  /** The pods run in the host network (part of the class only when some policy or peer excludes such pods). */
  readonly hostNetwork: boolean;
};

export type PodClasses = {
  readonly classes: readonly PodClass[];
  /** Class index of each pod in Model.pods. */
  readonly classOfPod: Int32Array;
  readonly blocks: readonly IpBlock[];
  readonly blockIndex: ReadonlyMap<string, number>;
  readonly byNamespace: ReadonlyMap<string, readonly PodClass[]>;
};

export function blockKey(block: IpBlock): string {
  return `${block.cidr.family}:${block.cidr.start}/${block.cidr.prefix}${block.except
    .map((e) => `-${e.family}:${e.start}/${e.prefix}`)
    .sort()
    .join("")}`;
}

function labelsKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join("\u0001");
}

function collectBlocks(model: Model): {
  blocks: IpBlock[];
  blockIndex: Map<string, number>;
  bySa: boolean;
  byHost: boolean;
} {
  let bySa = false;
  let byHost = false;
  const blocks: IpBlock[] = [];
  const blockIndex = new Map<string, number>();
  for (const policy of model.policies) {
    if (policy.serviceAccounts !== undefined) bySa = true;
    if (policy.excludesHostNetwork === true) byHost = true;
    for (const rules of [policy.ingress, policy.egress]) {
      for (const rule of rules ?? []) {
        for (const peer of [...(rule.peers === "any" ? [] : rule.peers), ...(rule.notPeers ?? [])]) {
          if (peer.kind === "pods" && peer.serviceAccounts !== undefined) bySa = true;
          if (peer.kind === "pods" && peer.excludesHostNetwork === true) byHost = true;
          if (peer.kind !== "ipBlock") continue;
          const key = blockKey(peer.block);
          if (!blockIndex.has(key)) {
            blockIndex.set(key, blocks.length);
            blocks.push(peer.block);
          }
        }
      }
    }
  }
  return { blocks, blockIndex, bySa, byHost };
}

export function podIps(pod: Pod): Cidr[] {
  return pod.ips.map((ip) => parseCidr(ip));
}

export function buildPodClasses(model: Model): PodClasses {
  const { blocks, blockIndex, bySa, byHost } = collectBlocks(model);
  const classes: PodClass[] = [];
  const byKey = new Map<string, PodClass>();
  const byNamespace = new Map<string, PodClass[]>();
  const classOfPod = new Int32Array(model.pods.length);
  model.pods.forEach((pod, i) => {
    const inBlocks = new Set<number>();
    if (pod.ips.length > 0 && blocks.length > 0) {
      const ips = podIps(pod);
      blocks.forEach((block, b) => {
        if (ips.some((ip) => ipInBlock(block, ip))) inBlocks.add(b);
      });
    }
    const namedPorts = pod.ports
      .filter((p) => p.name !== undefined)
      .sort(
        (a, b) => (a.name ?? "").localeCompare(b.name ?? "") || a.protocol.localeCompare(b.protocol) || a.port - b.port,
      );
    const namedPortsKey = namedPorts.map((p) => `${p.name}/${p.protocol}/${p.port}`).join(",");
    const sa = bySa ? pod.serviceAccount : "";
    const hostNetwork = byHost && pod.hostNetwork;
    const key = `${pod.namespace}\u0002${labelsKey(pod.labels)}\u0002${[...inBlocks].join(",")}\u0002${namedPortsKey}\u0002${sa}\u0002${hostNetwork}`;
    let cls = byKey.get(key);
    if (cls === undefined) {
      const namespaceLabels = model.namespaces.get(pod.namespace)?.labels ?? {};
      cls = {
        index: classes.length,
        namespace: pod.namespace,
        namespaceLabels,
        labels: pod.labels,
        namedPorts,
        blocks: inBlocks,
        namedPortsKey,
        serviceAccount: sa,
        hostNetwork,
      };
      classes.push(cls);
      byKey.set(key, cls);
      const list = byNamespace.get(pod.namespace);
      if (list) list.push(cls);
      else byNamespace.set(pod.namespace, [cls]);
    }
    classOfPod[i] = cls.index;
  });
  return { classes, classOfPod, blocks, blockIndex, byNamespace };
}
