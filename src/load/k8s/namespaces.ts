import type { Namespace } from "../../model/endpoint.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import { type Identity, readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { namespaceSchema } from "./schemas.js";

/** The API server sets this label on every namespace, overriding any value given. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Namespaces every cluster has: referencing them without defining them is not worth a warning. */
const BUILT_IN = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

export function loadNamespace(obj: RawObject, diag: Diagnostics): Identity | undefined {
  const before = diag.errorCount;
  const data = parseObject(namespaceSchema, obj.value, diag, { file: obj.file, locator: obj.locator });
  if (data === undefined) return undefined;
  // ValidateNamespaceName: a DNS label.
  const identity = readIdentity(obj, data.metadata, { clusterScoped: true, nameRule: "label" }, diag);
  if (identity === undefined || diag.errorCount > before) return undefined;
  return identity;
}

/** An object that lives in a namespace, for "undefined-namespace". */
export type NamespaceReference = { readonly namespace: string; readonly what: string; readonly site: Site };

/**
 * Namespaces from Namespace objects, plus those referenced but not defined (created without labels but the name
 * label, with an "undefined-namespace" warning at the first reference; silently for built-in namespaces).
 */
export function buildNamespaces(
  defined: readonly Identity[],
  references: readonly NamespaceReference[],
  diag: Diagnostics,
): Map<string, Namespace> {
  const all = new Map<string, Namespace>();
  for (const ns of defined) {
    all.set(ns.name, {
      name: ns.name,
      labels: { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name },
      annotations: ns.annotations,
      source: ns.ref,
    });
  }
  for (const ref of references) {
    if (all.has(ref.namespace)) continue;
    if (!BUILT_IN.has(ref.namespace)) {
      diag.warn(
        "undefined-namespace",
        `namespace "${ref.namespace}" is not defined in the input (first used by ${ref.what}): assumed to exist, with no labels`,
        ref.site,
      );
    }
    all.set(ref.namespace, { name: ref.namespace, labels: { [NAMESPACE_NAME_LABEL]: ref.namespace } });
  }
  const names = [...all.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(names.map((name) => [name, all.get(name) as Namespace]));
}
