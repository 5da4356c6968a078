import type { Pod } from "../../model/endpoint.js";
import { selectorMatches } from "../../model/labels.js";
import type { Model, Service, ServicePort } from "../../model/model.js";
import { resolveNamedPort } from "../../model/ports.js";

/** One backend pod of a Service port, with the container port traffic reaches. */
export type ServiceBackend = { readonly pod: Pod; readonly port: number };

/**
 * The pods a Service port sends to (the endpoints controller: pods in the Service's namespace matching its selector)
 * and each pod's target port: a number as is; a name resolved per pod against its container ports of the same
 * protocol — a pod without that port is not an endpoint (EndpointSlice controller, FindPort).
 */
export function serviceBackends(model: Model, service: Service, port: ServicePort): ServiceBackend[] {
  const selector = service.selector;
  if (selector === undefined) return [];
  const out: ServiceBackend[] = [];
  for (const pod of model.pods) {
    if (pod.namespace !== service.namespace || !selectorMatches(selector, pod.labels)) continue;
    if (typeof port.targetPort === "number") out.push({ pod, port: port.targetPort });
    else
      for (const p of resolveNamedPort(port.targetPort, port.protocol, pod.ports).slice(0, 1))
        out.push({ pod, port: p });
  }
  return out;
}

/** A Service port by number or name. */
export function findServicePort(service: Service, port: number | string, protocol?: string): ServicePort | undefined {
  return service.ports.find(
    (p) =>
      (typeof port === "number" ? p.port === port : p.name === port) &&
      (protocol === undefined || p.protocol === protocol),
  );
}

export function findService(model: Model, namespace: string, name: string): Service | undefined {
  return model.services.find((s) => s.namespace === namespace && s.name === name);
}
