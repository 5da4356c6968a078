import { type Cidr, cidrContains, parseCidr } from "../../model/cidr.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";
import type { NetworkPolicyData, NetworkPolicyPeerData, NetworkPolicyPortData } from "./schemas.js";
import { checkSelector } from "./selectors.js";
import { checkPortName, checkProtocol, isValidPortNumber } from "./validate-common.js";

// The same few CIDRs appear in many policies: parse each once.
const CIDRS = new Map<string, Cidr | undefined>();

/** A CIDR as IsValidCIDR accepts it (an address with a prefix length), or undefined. */
export function parseStrictCidr(text: string): Cidr | undefined {
  if (CIDRS.has(text)) return CIDRS.get(text);
  let cidr: Cidr | undefined;
  if (text.includes("/")) {
    try {
      cidr = parseCidr(text);
    } catch {
      cidr = undefined;
    }
  }
  if (CIDRS.size >= 10_000) CIDRS.clear();
  CIDRS.set(text, cidr);
  return cidr;
}

/** The rules of k8s pkg/apis/networking/validation (validation.go) ValidateNetworkPolicySpec. */
export function checkNetworkPolicy(policy: NetworkPolicyData, diag: Diagnostics, site: Site): void {
  const spec = policy.spec ?? {};
  if (spec.podSelector) checkSelector(spec.podSelector, diag, site, ["spec", "podSelector"]);
  for (const direction of ["ingress", "egress"] as const) {
    const peersKey = direction === "ingress" ? "from" : "to";
    spec[direction]?.forEach((rule, i) => {
      const path = ["spec", direction, i] as const;
      rule.ports?.forEach((port, j) => {
        checkPort(port, diag, site, [...path, "ports", j]);
      });
      const peers = (rule as { from?: NetworkPolicyPeerData[]; to?: NetworkPolicyPeerData[] })[peersKey];
      peers?.forEach((peer, j) => {
        checkPeer(peer, diag, site, [...path, peersKey, j]);
      });
    });
  }
  const types = spec.policyTypes ?? [];
  // validation.go: "may not specify more than two policyTypes"
  if (types.length > 2) {
    diag.error("invalid-policy-type", "may not specify more than two policyTypes", site, ["spec", "policyTypes"]);
    return;
  }
  types.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress")
      diag.error("invalid-policy-type", `unsupported policy type "${t}": must be Ingress or Egress`, site, [
        "spec",
        "policyTypes",
        i,
      ]);
  });
}

// validation.go ValidateNetworkPolicyPort.
function checkPort(port: NetworkPolicyPortData, diag: Diagnostics, site: Site, path: Path): void {
  checkProtocol(port.protocol, diag, site, [...path, "protocol"]);
  const { port: p, endPort } = port;
  if (p === undefined) {
    if (endPort !== undefined)
      diag.error("invalid-end-port", "endPort may not be specified when port is not specified", site, [
        ...path,
        "endPort",
      ]);
    return;
  }
  if (typeof p === "string") {
    checkPortName(p, diag, site, [...path, "port"]);
    if (endPort !== undefined)
      diag.error("invalid-end-port", `endPort may not be specified when port is a name ("${p}")`, site, [
        ...path,
        "endPort",
      ]);
    return;
  }
  if (!Number.isInteger(p)) diag.error("invalid-type", `port ${p} is not an integer`, site, [...path, "port"]);
  else if (!isValidPortNumber(p))
    diag.error("port-out-of-range", `port ${p} is out of range: must be between 1 and 65535`, site, [...path, "port"]);
  if (endPort === undefined) return;
  if (!isValidPortNumber(endPort)) {
    diag.error("invalid-end-port", `endPort ${endPort} is out of range: must be an integer between 1 and 65535`, site, [
      ...path,
      "endPort",
    ]);
  } else if (endPort < p) {
    diag.error("end-port-before-port", `endPort ${endPort} is less than port ${p}`, site, [...path, "endPort"]);
  }
}

// validation.go ValidateNetworkPolicyPeer and ValidateIPBlock.
function checkPeer(peer: NetworkPolicyPeerData, diag: Diagnostics, site: Site, path: Path): void {
  if (peer.podSelector) checkSelector(peer.podSelector, diag, site, [...path, "podSelector"]);
  if (peer.namespaceSelector) checkSelector(peer.namespaceSelector, diag, site, [...path, "namespaceSelector"]);
  const count = (peer.podSelector ? 1 : 0) + (peer.namespaceSelector ? 1 : 0) + (peer.ipBlock ? 1 : 0);
  if (count === 0) {
    diag.error("empty-peer", "a peer must specify podSelector, namespaceSelector or ipBlock", site, path);
    return;
  }
  if (peer.ipBlock === undefined) return;
  if (count > 1) {
    diag.error(
      "invalid-peer",
      "ipBlock may not be combined with podSelector or namespaceSelector in one peer",
      site,
      path,
    );
  }
  const block = peer.ipBlock;
  const blockPath = [...path, "ipBlock"];
  if (block.cidr === undefined || block.cidr === "") {
    diag.error("invalid-cidr", "ipBlock.cidr is required", site, blockPath);
    return;
  }
  const cidr = parseStrictCidr(block.cidr);
  if (cidr === undefined) {
    diag.error("invalid-cidr", `invalid CIDR "${block.cidr}"`, site, [...blockPath, "cidr"]);
    return;
  }
  block.except?.forEach((text, i) => {
    const at = [...blockPath, "except", i];
    const except = parseStrictCidr(text);
    if (except === undefined) {
      diag.error("invalid-cidr", `invalid CIDR "${text}" in except`, site, at);
      return;
    }
    // validation.go: except must be a strict subset of cidr (inside it, with a longer prefix).
    if (!cidrContains(cidr, except) || except.prefix <= cidr.prefix) {
      diag.error("except-outside-cidr", `except ${text} is not a strict subset of cidr ${block.cidr}`, site, at);
    }
  });
}
