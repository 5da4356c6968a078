import type { SourceRef } from "../../model/source-ref.js";
import type { RawObject } from "./objects.js";

/** An object of a service-mesh API group, as written: what the audit checks against the kinds the mesh serves. */
export type ApiObjectRef = SourceRef & { readonly apiVersion: string };

/** Istio (*.istio.io), Linkerd (*.linkerd.io) and SMI (*.smi-spec.io) API groups. */
export function isMeshApiGroup(apiVersion: string | undefined): apiVersion is string {
  const slash = apiVersion?.indexOf("/") ?? -1;
  if (apiVersion === undefined || slash < 0) return false;
  return /(^|\.)(istio\.io|linkerd\.io|smi-spec\.io)$/.test(apiVersion.slice(0, slash));
}

/** The object's apiVersion, kind, name, namespace and file:line, whether or not Ward evaluates its kind. */
export function apiObjectRef(obj: RawObject & { apiVersion: string }): ApiObjectRef {
  const meta = obj.value.metadata as { name?: unknown; namespace?: unknown } | null | undefined;
  const name = typeof meta?.name === "string" && meta.name !== "" ? meta.name : "<unnamed>";
  const namespace = typeof meta?.namespace === "string" && meta.namespace !== "" ? meta.namespace : undefined;
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name,
    ...(namespace === undefined ? {} : { namespace }),
    file: obj.file,
    line: obj.line,
  };
}
