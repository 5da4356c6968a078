import type { Pod } from "../../model/endpoint.js";
import { selectorMatches } from "../../model/labels.js";
import type { Model } from "../../model/model.js";

/** How Istio's sidecar treats an inbound port: HTTP, opaque TCP, or detected per connection ("auto"). */
export type PortProtocol = { readonly kind: "http" | "tcp" | "auto"; readonly why: string };

// Explicit protocol selection (istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection):
// the Service port's appProtocol, else its name `<protocol>[-<suffix>]`; appProtocol takes precedence.
const HTTP = new Set(["http", "http2", "grpc", "grpc-web", "h2c"]);
const TCP = new Set(["tcp", "tls", "https", "mongo", "mysql", "redis"]);

function classify(protocol: string): "http" | "tcp" | undefined {
  const p = protocol.toLowerCase();
  if (HTTP.has(p)) return "http";
  if (TCP.has(p)) return "tcp";
  return undefined;
}

/**
 * The protocol of the destination pod's port, from the Services that select the pod and target that port. A port no
 * Service declares explicitly is sniffed: Istio detects HTTP/1.1 and HTTP/2 automatically, everything else is TCP.
 */
export function portProtocol(model: Model, pod: Pod, port: number): PortProtocol {
  for (const svc of model.services) {
    if (svc.namespace !== pod.namespace || svc.selector === undefined) continue;
    if (!selectorMatches(svc.selector, pod.labels)) continue;
    for (const sp of svc.ports) {
      if (sp.protocol !== "TCP") continue;
      const target =
        typeof sp.targetPort === "number"
          ? sp.targetPort
          : pod.ports.find((p) => p.name === sp.targetPort && p.protocol === "TCP")?.port;
      if (target !== port) continue;
      const byApp = sp.appProtocol === undefined ? undefined : classify(sp.appProtocol);
      if (byApp !== undefined)
        return {
          kind: byApp,
          why: `Service ${svc.namespace}/${svc.name} port ${sp.port} appProtocol ${sp.appProtocol}`,
        };
      const prefix = sp.name?.split("-")[0];
      const byName = prefix === undefined ? undefined : classify(prefix);
      if (byName !== undefined)
        return { kind: byName, why: `Service ${svc.namespace}/${svc.name} port name "${sp.name}"` };
    }
  }
  return { kind: "auto", why: "no Service names the protocol of this port: Istio sniffs HTTP, else treats it as TCP" };
}
