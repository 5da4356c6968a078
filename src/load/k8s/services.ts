import type { Service, ServicePort } from "../../model/model.js";
import type { SourceRef } from "../../model/source-ref.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import { type Identity, readIdentity } from "./metadata.js";
import type { RawObject } from "./objects.js";
import { parseObject } from "./parse-object.js";
import { serviceAccountSchema, serviceSchema } from "./schemas.js";
import { checkLabels, checkPortName, checkPortNumber, checkProtocol } from "./validate-common.js";

const SERVICE_TYPES: readonly string[] = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

/**
 * A Service → model Service, or undefined when it has problems (in `diag`). Checks follow k8s pkg/apis/core/validation
 * ValidateService: port 1..65535, targetPort a port number or IANA_SVC_NAME, protocol TCP/UDP/SCTP, a known type.
 */
export function loadService(obj: RawObject, diag: Diagnostics): { service: Service; identity: Identity } | undefined {
  const before = diag.errorCount;
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(serviceSchema, obj.value, diag, site);
  if (data === undefined) return undefined;
  // ValidateServiceName: a DNS-1035 label.
  const identity = readIdentity(obj, data.metadata, { clusterScoped: false, nameRule: "dns1035" }, diag);
  const spec = data.spec ?? {};
  const type = spec.type ?? "ClusterIP";
  if (!SERVICE_TYPES.includes(type)) {
    diag.error("invalid-service-type", `unsupported Service type "${type}"`, site, ["spec", "type"]);
  }
  if (spec.selector) checkLabels(spec.selector, diag, site, ["spec", "selector"]);
  const ports: ServicePort[] = [];
  spec.ports?.forEach((p, i) => {
    const at = ["spec", "ports", i];
    const protocol = checkProtocol(p.protocol, diag, site, [...at, "protocol"]);
    if (p.port === undefined) {
      diag.error("port-out-of-range", "port is required", site, at);
      return;
    }
    checkPortNumber(p.port, diag, site, [...at, "port"]);
    const target = p.targetPort ?? p.port; // targetPort defaults to port
    if (typeof target === "number") {
      if (target !== 0) checkPortNumber(target, diag, site, [...at, "targetPort"]);
    } else {
      checkPortName(target, diag, site, [...at, "targetPort"]);
    }
    if (p.nodePort !== undefined && p.nodePort !== 0) checkPortNumber(p.nodePort, diag, site, [...at, "nodePort"]);
    const port: { -readonly [K in keyof ServicePort]: ServicePort[K] } = {
      port: p.port,
      // targetPort 0 is how an unset int-or-string decodes: the API server defaults it to port.
      targetPort: target === 0 ? p.port : target,
      protocol,
    };
    if (p.name !== undefined && p.name !== "") port.name = p.name;
    if (typeof p.appProtocol === "string" && p.appProtocol !== "") port.appProtocol = p.appProtocol;
    if (p.nodePort !== undefined && p.nodePort !== 0) port.nodePort = p.nodePort;
    ports.push(port);
  });
  const etp = spec.externalTrafficPolicy;
  if (etp !== undefined && etp !== "Cluster" && etp !== "Local")
    diag.error("invalid-field", `externalTrafficPolicy must be Cluster or Local, not ${JSON.stringify(etp)}`, site, [
      "spec",
      "externalTrafficPolicy",
    ]);
  const ranges = spec.loadBalancerSourceRanges;
  if (ranges !== undefined && (!Array.isArray(ranges) || ranges.some((r) => typeof r !== "string")))
    diag.error("invalid-field", "loadBalancerSourceRanges must be a list of CIDRs", site, [
      "spec",
      "loadBalancerSourceRanges",
    ]);
  if (identity === undefined || diag.errorCount > before) return undefined;
  const service: { -readonly [K in keyof Service]: Service[K] } = {
    namespace: identity.namespace as string,
    name: identity.name,
    type: type as Service["type"],
    ports,
    source: identity.ref,
  };
  // A Service without a selector (or with an empty one) gets no endpoints from the endpoints controller.
  if (spec.selector !== undefined && Object.keys(spec.selector).length > 0) {
    service.selector = { matchLabels: { ...spec.selector }, matchExpressions: [] };
  }
  if (etp === "Cluster" || etp === "Local") service.externalTrafficPolicy = etp;
  if (Array.isArray(ranges) && ranges.length > 0) service.loadBalancerSourceRanges = ranges as string[];
  return { service, identity };
}

export function loadServiceAccount(
  obj: RawObject,
  diag: Diagnostics,
): { ref: SourceRef; identity: Identity } | undefined {
  const before = diag.errorCount;
  const site: Site = { file: obj.file, locator: obj.locator };
  const data = parseObject(serviceAccountSchema, obj.value, diag, site);
  if (data === undefined) return undefined;
  const identity = readIdentity(obj, data.metadata, { clusterScoped: false, nameRule: "subdomain" }, diag);
  if (identity === undefined || diag.errorCount > before) return undefined;
  return { ref: identity.ref, identity };
}
