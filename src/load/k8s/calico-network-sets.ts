import { z } from "zod";
import { type Cidr, parseCidr } from "../../model/cidr.js";
import type { Namespace } from "../../model/endpoint.js";
import type { Labels } from "../../model/labels.js";
import type { Peer, PolicyRule } from "../../model/policy.js";
import { expressionMatches, type SelectorExpression } from "../../model/selector-expression.js";
import type { SourceRef } from "../../model/source-ref.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Loaded } from "./admin-network-policy.js";
import { readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { objectMeta } from "./schemas.js";

/*
 * Calico NetworkSet (namespaced) and GlobalNetworkSet, projectcalico.org/v3 (docs.tigera.io "Network set", "Global
 * network set"): labelled sets of CIDRs that the selectors of Calico policy rules match like endpoints — "when Calico
 * is calculating the set of IPs that should match a source/destination selector … it includes the CIDRs from any
 * network sets that match the selector". Which sets a rule's selector reaches follows the selector Calico builds for
 * the rule (libcalico-go updateprocessors/rules.go getEndpointSelector):
 * - a namespaced NetworkPolicy without namespaceSelector: `projectcalico.org/namespace == '<ns>' && (selector)` —
 *   the NetworkSets of its own namespace;
 * - a namespaceSelector N: N over the set's namespace labels, with all() → has(projectcalico.org/namespace) (every
 *   namespaced set) and global() → !has(projectcalico.org/namespace) (the GlobalNetworkSets);
 * - a GlobalNetworkPolicy without namespaceSelector: the raw selector — sets of every namespace and global ones;
 * - notSelector is never namespaced; a serviceAccounts match never matches a set (sets have no service account).
 * allowedEgressDomains (Calico Enterprise/Cloud): "allow egress traffic to those domain names, when the set is matched
 * by the destination selector of an egress rule with action Allow"; no effect in ingress rules or other actions.
 */

export type CalicoNetworkSet = {
  /** Undefined for a GlobalNetworkSet. */
  readonly namespace?: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nets: readonly { readonly cidr: Cidr; readonly line: number }[];
  /** Names in the form Ward's fqdn peers take ("**." for Calico's leading "*."); undefined entries were refused. */
  readonly domains: readonly { readonly pattern: string; readonly line: number }[];
  readonly source: SourceRef;
};

/** Which sets a Calico selector peer reaches, recorded at load time and resolved once every object is read. */
export type SetMatch = {
  readonly selector: SelectorExpression | undefined;
  readonly scope:
    | { readonly kind: "same"; readonly namespace: string }
    | { readonly kind: "namespaces"; readonly selector: SelectorExpression }
    | { readonly kind: "any" };
};

const setSchema = z.strictObject({
  apiVersion: z.unknown().optional(),
  kind: z.unknown().optional(),
  metadata: objectMeta.optional(),
  spec: z
    .strictObject({
      nets: z.array(z.string()).optional(),
      allowedEgressDomains: z.array(z.string()).optional(),
    })
    .optional(),
  status: z.unknown().optional(),
});

const loadedSets = new WeakMap<object, CalicoNetworkSet>();

// Calico Enterprise "DNS policy" → Domain name matching: no "*" is an exact name; a "*" label matches one or more
// labels at that position. Ward's fqdn patterns express a leading "*." ("**." = one or more labels) and exact names.
const DOMAIN = /^(\*\.)?([a-z0-9]([-a-z0-9_]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9_]*[a-z0-9])?\.?$/i;

/** A NetworkSet or GlobalNetworkSet → no policy; the set is kept for resolveNetworkSets. */
export function loadNetworkSet(obj: RawObject, diag: Diagnostics): Loaded | undefined {
  const global = obj.kind === "GlobalNetworkSet";
  const before = diag.errorCount;
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(setSchema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: global, nameRule: "subdomain" }, diag);
  if (identity === undefined) return undefined;
  const nets: { cidr: Cidr; line: number }[] = [];
  data.spec?.nets?.forEach((text, i) => {
    const at = ["spec", "nets", i];
    // nets: CIDRs or bare addresses (cnet.ParseCIDROrIP), normalized to the network like rule nets.
    try {
      nets.push({ cidr: parseCidr(text), line: obj.locator.lineOf(at) });
    } catch {
      diag.error("invalid-cidr", `invalid CIDR "${text}" in nets`, site, at);
    }
  });
  const domains: { pattern: string; line: number }[] = [];
  data.spec?.allowedEgressDomains?.forEach((name, i) => {
    const at = ["spec", "allowedEgressDomains", i];
    const line = obj.locator.lineOf(at);
    if (!name.includes("*")) {
      if (DOMAIN.test(name)) domains.push({ pattern: name.toLowerCase(), line });
      else diag.error("invalid-domain", `invalid domain name "${name}"`, site, at);
    } else if (DOMAIN.test(name) && name.startsWith("*.")) domains.push({ pattern: `*${name.toLowerCase()}`, line });
    else
      diag.warn(
        "unsupported-domain",
        `domain "${name}": Ward evaluates exact names and a leading "*." only, so this entry allows nothing`,
        site,
        at,
      );
  });
  if (diag.errorCount > before) return undefined;
  const kind = global ? "GlobalNetworkSet" : "NetworkSet";
  const set: CalicoNetworkSet = {
    ...(global ? {} : { namespace: identity.namespace as string }),
    name: identity.name,
    labels: identity.labels,
    nets,
    domains,
    source: { ...identity.ref, kind },
  };
  const loaded: Loaded = { identity: { ...identity, kind, ref: set.source }, policies: [] };
  loadedSets.set(loaded.policies, set);
  return loaded;
}

/** The network set a loaded NetworkSet / GlobalNetworkSet object defines (undefined for anything else). */
export function networkSetOf(loaded: Loaded): CalicoNetworkSet | undefined {
  return loadedSets.get(loaded.policies);
}

/** A namespaceSelector read for a GlobalNetworkSet: no namespace labels, all() false and global() (= !all()) true. */
function matchesGlobal(expr: SelectorExpression): boolean {
  switch (expr.op) {
    case "all":
      return false;
    case "not":
      return !matchesGlobal(expr.expr);
    case "and":
      return matchesGlobal(expr.left) && matchesGlobal(expr.right);
    case "or":
      return matchesGlobal(expr.left) || matchesGlobal(expr.right);
    default:
      return expressionMatches(expr, {});
  }
}

function setMatches(m: SetMatch, set: CalicoNetworkSet, namespaces: ReadonlyMap<string, Namespace>): boolean {
  // Felix labels a namespaced set with projectcalico.org/namespace (model.NetworkSet in the v1 data model).
  const labels =
    set.namespace === undefined ? set.labels : { ...set.labels, "projectcalico.org/namespace": set.namespace };
  if (m.selector !== undefined && !expressionMatches(m.selector, labels)) return false;
  switch (m.scope.kind) {
    case "any":
      return true;
    case "same":
      return set.namespace === m.scope.namespace;
    case "namespaces":
      if (set.namespace === undefined) return matchesGlobal(m.scope.selector);
      return expressionMatches(
        m.scope.selector,
        namespaces.get(set.namespace)?.labels ?? {
          "kubernetes.io/metadata.name": set.namespace,
        },
      );
  }
}

/**
 * The peers a rule's Calico selector peers stand for once network sets are known: each selector peer is followed by
 * one ipBlock peer per CIDR of every set it matches (an ipBlock also matches pods whose IP it holds, as Calico's IP
 * sets do) and, in the destination of an egress Allow rule, one fqdn peer per allowed egress domain.
 */
export function expandNetworkSets(
  peers: readonly Peer[],
  matchOf: (peer: Peer) => SetMatch | undefined,
  sets: readonly CalicoNetworkSet[],
  namespaces: ReadonlyMap<string, Namespace>,
  domainsAllowed: boolean,
): Peer[] {
  const out: Peer[] = [];
  for (const peer of peers) {
    out.push(peer);
    const m = matchOf(peer);
    if (m === undefined) continue;
    for (const set of sets) {
      if (!setMatches(m, set, namespaces)) continue;
      const origin = `${set.source.kind} ${set.namespace === undefined ? "" : `${set.namespace}/`}${set.name}`;
      for (const net of set.nets)
        out.push({ kind: "ipBlock", block: { cidr: net.cidr, except: [] }, origin, line: peer.line });
      if (domainsAllowed)
        for (const d of set.domains)
          out.push({ kind: "fqdn", pattern: d.pattern, learnedFromDnsAnswers: true, line: peer.line });
    }
  }
  return out;
}

/** Does this rule allow domains of the sets its destination selector matches (an egress Allow rule)? */
export function allowsDomains(rule: PolicyRule, direction: "ingress" | "egress"): boolean {
  return direction === "egress" && rule.action === "allow";
}
