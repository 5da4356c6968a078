import { UsageError } from "../../errors/input-error.js";
import { CidrError, parseCidr } from "../../model/cidr.js";
import type { Pod, Workload } from "../../model/endpoint.js";
import type { Model, Service, ServicePort } from "../../model/model.js";
import type { Protocol } from "../../model/ports.js";
import { findServicePort, serviceBackends } from "../edges/service-backends.js";

/** What a --from / --to argument names: a workload (by id, or by name when unambiguous) or an address range. */
export type ResolvedEndpoint =
  | { readonly kind: "workload"; readonly workload: Workload; readonly pods: readonly Pod[] }
  | { readonly kind: "external"; readonly cidr: string }
  /** A DNS name outside the cluster (egress by name, decided by FQDN rules). */
  | { readonly kind: "fqdn"; readonly name: string }
  /** `svc/<namespace>/<name>` with a Service port: its backend pods, each with its resolved target port. */
  | {
      readonly kind: "service";
      readonly service: Service;
      readonly port: ServicePort;
      readonly pods: readonly Pod[];
      readonly targetPorts: ReadonlyMap<Pod, number>;
    };

function podsOf(model: Model, workload: Workload): Pod[] {
  return workload.pods.map((i) => model.pods[i]).filter((p): p is Pod => p !== undefined);
}

function looksLikeAddress(text: string): boolean {
  return /^[0-9.]+(\/\d+)?$/.test(text) || (text.includes(":") && /^[0-9a-fA-F:.]+(\/\d+)?$/.test(text));
}

export function resolveEndpoint(
  model: Model,
  text: string,
  flag: string,
  servicePort?: { readonly port: number; readonly protocol: Protocol },
): ResolvedEndpoint {
  if (text.startsWith("svc/")) return resolveService(model, text, flag, servicePort);
  const byId = model.workloads.find((w) => w.id === text);
  if (byId) return { kind: "workload", workload: byId, pods: podsOf(model, byId) };
  if (looksLikeAddress(text)) {
    let range: ReturnType<typeof parseCidr>;
    try {
      range = parseCidr(text);
    } catch (e) {
      if (e instanceof CidrError) throw new UsageError(`${flag}: "${text}" is not a valid IP address or CIDR`);
      throw e;
    }
    // A single address that belongs to a known pod is that pod's workload.
    if (range.start === range.end) {
      const index = model.pods.findIndex((p) =>
        p.ips.some((ip) => parseCidr(ip).start === range.start && parseCidr(ip).family === range.family),
      );
      const pod = model.pods[index];
      const workload = pod && model.workloads.find((w) => w.id === pod.workload);
      if (pod && workload) return { kind: "workload", workload, pods: [pod] };
    }
    return { kind: "external", cidr: range.text };
  }
  const byName = model.workloads.filter((w) => w.name === text || w.id.endsWith(`/${text}`));
  if (byName.length === 1 && byName[0])
    return { kind: "workload", workload: byName[0], pods: podsOf(model, byName[0]) };
  if (byName.length > 1)
    throw new UsageError(
      `${flag}: "${text}" is ambiguous: ${byName.map((w) => w.id).join(", ")}; use <namespace>/<name>`,
    );
  // A DNS name (at least two labels, not a workload id): an endpoint outside the cluster, reached by name.
  if (/^(?=.{1,253}$)([a-zA-Z0-9_]([-a-zA-Z0-9_]{0,61}[a-zA-Z0-9_])?\.)+[a-zA-Z]{2,63}\.?$/.test(text))
    return { kind: "fqdn", name: text.replace(/\.$/, "").toLowerCase() };
  const known = model.workloads.map((w) => w.id);
  const shown = known.slice(0, 20).join(", ") + (known.length > 20 ? ", …" : "");
  throw new UsageError(`${flag}: no workload "${text}" (known: ${shown || "none"})`);
}

function resolveService(
  model: Model,
  text: string,
  flag: string,
  servicePort: { readonly port: number; readonly protocol: Protocol } | undefined,
): ResolvedEndpoint {
  const m = /^svc\/([^/]+)\/([^/]+)$/.exec(text);
  if (!m) throw new UsageError(`${flag}: "${text}": a Service is named svc/<namespace>/<name>`);
  const [, namespace, name] = m as unknown as [string, string, string];
  const service = model.services.find((s) => s.namespace === namespace && s.name === name);
  if (service === undefined) {
    const known = model.services.map((s) => `svc/${s.namespace}/${s.name}`);
    throw new UsageError(
      `${flag}: no Service "${namespace}/${name}" (known: ${known.slice(0, 20).join(", ") || "none"})`,
    );
  }
  if (servicePort === undefined) throw new UsageError(`${flag}: a Service is only a destination (--to)`);
  const port = findServicePort(service, servicePort.port, servicePort.protocol);
  if (port === undefined) {
    const ports = service.ports.map((p) => `${p.protocol}/${p.port}`).join(", ");
    throw new UsageError(
      `${flag}: Service ${namespace}/${name} has no port ${servicePort.protocol}/${servicePort.port} (ports: ${ports || "none"}); --port is the Service port`,
    );
  }
  const backends = serviceBackends(model, service, port);
  return {
    kind: "service",
    service,
    port,
    pods: backends.map((b) => b.pod),
    targetPorts: new Map(backends.map((b) => [b.pod, b.port])),
  };
}

export function endpointName(endpoint: ResolvedEndpoint): string {
  if (endpoint.kind === "fqdn") return endpoint.name;
  if (endpoint.kind === "service")
    return `svc/${endpoint.service.namespace}/${endpoint.service.name}:${endpoint.port.port}`;
  return endpoint.kind === "workload" ? endpoint.workload.id : endpoint.cidr;
}
