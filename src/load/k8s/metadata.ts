import type { Labels } from "../../model/labels.js";
import type { SourceRef } from "../../model/source-ref.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { RawObject } from "./objects.js";
import type { ObjectMeta } from "./schemas.js";
import { checkLabels, isDns1035Label, isDns1123Label, isDns1123Subdomain } from "./validate-common.js";

/** Objects without metadata.namespace land in "default", as `kubectl apply` places them. */
export const DEFAULT_NAMESPACE = "default";

export type OwnerRef = { readonly kind: string; readonly name: string };

/** The identity every evaluated object has once its metadata is read. */
export type Identity = {
  readonly kind: string;
  readonly name: string;
  /** Undefined for cluster-scoped kinds. */
  readonly namespace: string | undefined;
  readonly labels: Labels;
  readonly annotations: Labels;
  /** The ownerReference with controller: true, if any. */
  readonly controller: OwnerRef | undefined;
  readonly ref: SourceRef;
  readonly site: Site;
};

export type NameRule = "subdomain" | "label" | "dns1035";

const NAME_RULES: Record<NameRule, { test: (s: string) => boolean; what: string }> = {
  subdomain: { test: isDns1123Subdomain, what: "a DNS subdomain (lowercase a-z, 0-9, '-' and '.', at most 253)" },
  label: { test: isDns1123Label, what: "a DNS label (lowercase a-z, 0-9 and '-', at most 63)" },
  dns1035: {
    test: isDns1035Label,
    what: "a DNS-1035 label (lowercase a-z, 0-9 and '-', starting with a letter, at most 63)",
  },
};

/**
 * Reads and checks metadata (k8s apimachinery ValidateObjectMeta): the name is required and must follow the kind's
 * rule; the namespace must be a DNS label; labels must be valid; at most one owner may be the controller.
 */
export function readIdentity(
  obj: RawObject,
  meta: ObjectMeta | undefined,
  options: { clusterScoped: boolean; nameRule: NameRule },
  diag: Diagnostics,
): Identity | undefined {
  const site: Site = { file: obj.file, locator: obj.locator };
  const name = meta?.name;
  if (name === undefined || name === "") {
    diag.error("missing-name", `${obj.kind} has no name`, site, ["metadata", "name"]);
    return undefined;
  }
  const rule = NAME_RULES[options.nameRule];
  if (!rule.test(name))
    diag.error("invalid-name", `invalid name "${name}": must be ${rule.what}`, site, ["metadata", "name"]);
  let namespace: string | undefined;
  if (!options.clusterScoped) {
    namespace = meta?.namespace || DEFAULT_NAMESPACE;
    if (!isDns1123Label(namespace))
      diag.error("invalid-name", `invalid namespace "${namespace}": must be ${NAME_RULES.label.what}`, site, [
        "metadata",
        "namespace",
      ]);
  }
  const labels = meta?.labels ?? {};
  checkLabels(labels, diag, site, ["metadata", "labels"]);
  const controllers = (meta?.ownerReferences ?? []).filter((r) => r.controller === true);
  if (controllers.length > 1)
    diag.error("invalid-owner-references", "only one ownerReference can have controller: true", site, [
      "metadata",
      "ownerReferences",
    ]);
  const owner = controllers[0];
  const ref: SourceRef =
    namespace === undefined
      ? { kind: obj.kind, name, file: obj.file, line: obj.line }
      : { kind: obj.kind, name, namespace, file: obj.file, line: obj.line };
  return {
    kind: obj.kind,
    name,
    namespace,
    labels,
    annotations: meta?.annotations ?? {},
    controller: owner === undefined ? undefined : { kind: owner.kind, name: owner.name },
    ref,
    site,
  };
}
