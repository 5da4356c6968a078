import type { ContainerPort } from "../../model/ports.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import type { Path } from "../positions.js";
import type { PodSpecData } from "./schemas.js";
import { checkPortName, checkPortNumber, checkProtocol } from "./validate-common.js";

/** What Ward reads from a pod spec (a Pod's, or a controller's template). */
export type PodSpecInfo = {
  readonly ports: readonly ContainerPort[];
  readonly serviceAccount: string;
  readonly hostNetwork: boolean;
  /** spec.nodeName: the Node the pod runs on (set by the scheduler), when the input says. */
  readonly nodeName?: string;
  readonly images: readonly string[];
};

/**
 * Reads a pod spec and checks container ports as k8s pkg/apis/core/validation validateContainerPorts does:
 * containerPort 1..65535 (required), hostPort 1..65535 when set, protocol TCP/UDP/SCTP, names IANA_SVC_NAME and
 * unique within a container.
 */
export function readPodSpec(spec: PodSpecData | undefined, diag: Diagnostics, site: Site, path: Path): PodSpecInfo {
  const ports: ContainerPort[] = [];
  for (const field of ["containers", "initContainers"] as const) {
    spec?.[field]?.forEach((container, i) => {
      const names = new Set<string>();
      container.ports?.forEach((port, j) => {
        const at = [...path, field, i, "ports", j];
        const protocol = checkProtocol(port.protocol, diag, site, [...at, "protocol"]);
        if (port.containerPort === undefined) {
          diag.error("port-out-of-range", "containerPort is required", site, at);
        } else {
          checkPortNumber(port.containerPort, diag, site, [...at, "containerPort"]);
        }
        if (port.hostPort !== undefined && port.hostPort !== 0)
          checkPortNumber(port.hostPort, diag, site, [...at, "hostPort"]);
        if (port.name !== undefined && port.name !== "") {
          checkPortName(port.name, diag, site, [...at, "name"]);
          if (names.has(port.name))
            diag.error("duplicate-port-name", `port name "${port.name}" is used twice in one container`, site, [
              ...at,
              "name",
            ]);
          names.add(port.name);
        }
        // Ports of init containers are not the pod's serving ports (named ports resolve against spec.containers).
        if (field !== "containers" || port.containerPort === undefined) return;
        ports.push(
          port.name === undefined || port.name === ""
            ? { port: port.containerPort, protocol }
            : { name: port.name, port: port.containerPort, protocol },
        );
      });
    });
  }
  return {
    ports,
    // serviceAccount is the deprecated alias of serviceAccountName.
    serviceAccount: spec?.serviceAccountName || spec?.serviceAccount || "default",
    hostNetwork: spec?.hostNetwork ?? false,
    ...(spec?.nodeName ? { nodeName: spec.nodeName } : {}),
    images: [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].flatMap((c) => (c.image ? [c.image] : [])),
  };
}
