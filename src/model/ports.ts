export const PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export type ContainerPort = {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
};

/**
 * One entry of a rule's `ports`. `port` absent = every port of the protocol; a string is a named port,
 * resolved against the destination pod's container ports; `endPort` makes [port, endPort] a range.
 */
export type PortSpec = {
  readonly protocol: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
  /** Line of this entry in its file, for explanations. */
  readonly line?: number;
};

/** Resolves a named port against the destination's container ports (name and protocol must both match). */
export function resolveNamedPort(name: string, protocol: Protocol, ports: readonly ContainerPort[]): number[] {
  const out: number[] = [];
  for (const p of ports) if (p.name === name && p.protocol === protocol) out.push(p.port);
  return out;
}

/** Does one port spec allow (port, protocol) to a destination with these container ports? */
export function portSpecMatches(
  spec: PortSpec,
  port: number,
  protocol: Protocol,
  destinationPorts: readonly ContainerPort[],
): boolean {
  if (spec.protocol !== protocol) return false;
  if (spec.port === undefined) return true;
  if (typeof spec.port === "string") return resolveNamedPort(spec.port, protocol, destinationPorts).includes(port);
  const end = spec.endPort ?? spec.port;
  return port >= spec.port && port <= end;
}

export function formatPortSpec(spec: PortSpec): string {
  if (spec.port === undefined) return `${spec.protocol}/*`;
  if (spec.endPort !== undefined) return `${spec.protocol}/${spec.port}-${spec.endPort}`;
  return `${spec.protocol}/${spec.port}`;
}
