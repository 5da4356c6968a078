import { type Cidr, cidrContains, parseCidr } from "../../model/cidr.js";
import type { Pod } from "../../model/endpoint.js";
import type { Model } from "../../model/model.js";
import type { Protocol } from "../../model/ports.js";
import type { Party } from "../party.js";
import type { Request } from "../request.js";
import { type Decision, decision, type LayerVerdict } from "../verdict.js";
import { istioInjection, linkerdInjection } from "./injection.js";
import { DEFAULT_MESH_OPTIONS, evaluateIstio, type IstioOutcome, type MeshOptions } from "./istio-evaluate.js";
import { DEFAULT_LINKERD_OPTIONS, evaluateLinkerd, type LinkerdOptions } from "./linkerd-evaluate.js";

export type MeshQuery = {
  readonly from: Party;
  readonly to: Party;
  readonly port: number;
  readonly protocol: Protocol;
  readonly request: Request;
  /** The client sends plaintext, as if it had no sidecar (--plaintext). */
  readonly plaintext?: boolean;
};

export type AllMeshOptions = MeshOptions & LinkerdOptions;
export const DEFAULT_ALL_MESH_OPTIONS: AllMeshOptions = { ...DEFAULT_MESH_OPTIONS, ...DEFAULT_LINKERD_OPTIONS };

export type MeshLayerResult = LayerVerdict & {
  /** The external authorizer (CUSTOM) decides: the verdict holds only if it allows. */
  readonly undecidable?: string;
  readonly istio?: IstioOutcome;
};

/** Does the input use a mesh at all (mesh objects, or injection labels/annotations)? Otherwise there is no mesh layer. */
export function meshApplies(model: Model): boolean {
  if (model.mesh !== undefined) return true;
  for (const ns of model.namespaces.values())
    if (
      ns.labels["istio-injection"] !== undefined ||
      ns.labels["istio.io/rev"] !== undefined ||
      ns.annotations?.["linkerd.io/inject"] !== undefined
    )
      return true;
  return model.pods.some(
    (p) =>
      p.labels["sidecar.istio.io/inject"] !== undefined ||
      p.annotations?.["sidecar.istio.io/inject"] !== undefined ||
      p.annotations?.["linkerd.io/inject"] !== undefined,
  );
}

/** Source addresses worth trying for an external range: its start and every block boundary inside it. */
function representatives(range: Cidr, model: Model): Cidr[] {
  const points = new Set<bigint>([range.start]);
  const blocks: string[] = [];
  for (const p of model.mesh?.istio.authorizationPolicies ?? [])
    for (const r of p.rules) {
      for (const s of r.from ?? [])
        blocks.push(
          ...(s.ipBlocks?.values ?? []),
          ...(s.ipBlocks?.notValues ?? []),
          ...(s.remoteIpBlocks?.values ?? []),
          ...(s.remoteIpBlocks?.notValues ?? []),
        );
      for (const w of r.when)
        if (w.key === "source.ip" || w.key === "remote.ip") blocks.push(...(w.values ?? []), ...(w.notValues ?? []));
    }
  for (const n of model.mesh?.linkerd.networkAuthentications ?? [])
    for (const e of n.networks) blocks.push(e.cidr, ...e.except);
  for (const b of blocks) {
    const c = parseCidr(b);
    if (c.family !== range.family) continue;
    if (c.start >= range.start && c.start <= range.end) points.add(c.start);
    if (c.end + 1n >= range.start && c.end + 1n <= range.end) points.add(c.end + 1n);
  }
  const bits = range.family === 4 ? 32 : 128;
  return [...points].map((v) => ({ ...range, start: v, end: v, prefix: bits, text: String(v) }));
}

/** The mesh layer's verdict for one connection between two parties. */
export function meshLayer(
  model: Model,
  q: MeshQuery,
  opts: AllMeshOptions = DEFAULT_ALL_MESH_OPTIONS,
): MeshLayerResult {
  const allow = (why: string): MeshLayerResult => ({ layer: "mesh", allowed: true, decidedBy: [decision(why)] });
  if (q.to.kind !== "pod") return allow("the destination is outside the mesh: no mesh policy applies");
  const server = q.to.pod;
  const ns = model.namespaces.get(server.namespace);
  // Istio proxies TCP only (protocol-selection: "Non-TCP based protocols, such as UDP, are not proxied").
  if (q.protocol !== "TCP") return allow(`${q.protocol} is not proxied by the mesh`);
  const istio = istioInjection(server, ns);
  if (istio.injected) return istioLayer(model, q, server, istio.why, opts);
  const linkerd = linkerdInjection(server, ns);
  if (linkerd.injected) return evaluateLinkerd(model, q, server, linkerd.why, opts);
  return allow(`${server.namespace}/${server.name} has no sidecar (${istio.why}): the mesh enforces nothing there`);
}

function istioLayer(model: Model, q: MeshQuery, server: Pod, injectedWhy: string, opts: MeshOptions): MeshLayerResult {
  const from = q.from;
  let meshed = false;
  let clientWhy = "the client is outside the cluster: plaintext, no identity";
  if (from.kind === "pod") {
    const inj = istioInjection(from.pod, model.namespaces.get(from.pod.namespace));
    meshed = inj.injected && q.plaintext !== true;
    clientWhy = q.plaintext
      ? "--plaintext: the client sends plaintext"
      : `client ${inj.injected ? "has a sidecar" : "has no sidecar"}: ${inj.why}`;
  }
  const ips: (Cidr | undefined)[] =
    from.kind === "pod"
      ? from.ips.length > 0
        ? [...from.ips]
        : [undefined]
      : from.kind === "external"
        ? representatives(from.range, model)
        : [undefined];
  const name =
    from.kind === "pod"
      ? `${from.pod.namespace}/${from.pod.name}`
      : from.kind === "external"
        ? from.range.text
        : from.name;
  let first: IstioOutcome | undefined;
  let chosen: IstioOutcome | undefined;
  for (const ip of ips) {
    const out = evaluateIstio(
      model,
      {
        client: {
          meshed,
          name,
          ...(from.kind === "pod" ? { namespace: from.pod.namespace, serviceAccount: from.pod.serviceAccount } : {}),
          ...(ip === undefined ? {} : { ip }),
        },
        server,
        port: q.port,
        request: q.request,
      },
      opts,
    );
    first ??= out;
    if (out.allowed) {
      chosen = out;
      break;
    }
  }
  const out = chosen ?? (first as IstioOutcome);
  const decidedBy: Decision[] = [
    decision(`server ${server.namespace}/${server.name} has an Istio sidecar (${injectedWhy}); ${clientWhy}`),
  ];
  decidedBy.push(decision(`mTLS mode ${out.mtls.mode} on port ${q.port}: ${out.mtls.why}`, out.mtls.ref));
  decidedBy.push(
    decision(
      out.secure
        ? `connection is mTLS; client principal ${out.principal ?? "(unknown)"}`
        : "connection is plaintext: principals and namespaces match nothing",
    ),
  );
  decidedBy.push(decision(`port ${q.port} is ${out.evaluatedAs.toUpperCase()} (${out.protocol.why})`));
  for (const p of out.policies) {
    const rule = p.matched
      ? `rule ${p.matched.index + 1} (line ${p.matched.line}) matches`
      : p.policy.rules.length === 0
        ? "no rules: matches nothing"
        : p.rules.some((r) => r.status === "some")
          ? `no rule matches for sure; rule ${(p.rules.find((r) => r.status === "some")?.index ?? 0) + 1} matches some requests`
          : `none of its ${p.rules.length} rule${p.rules.length === 1 ? "" : "s"} matches${p.rules.some((r) => r.status === "ignored") ? " (HTTP-only rules ignored on TCP)" : ""}`;
    decidedBy.push(
      decision(
        `${p.policy.action} policy: ${rule}${p.policy.action === "AUDIT" ? " (AUDIT never decides)" : ""}`,
        p.policy.source,
      ),
    );
  }
  for (const c of out.custom)
    decidedBy.push(
      decision(
        `CUSTOM policy: undecidable — depends on provider ${c.provider}; Ward assumes it allows`,
        c.policy.source,
      ),
    );
  const witness = "";
  decidedBy.push(decision(`${out.allowed ? "allowed" : "denied"}: ${out.why}${witness}`, out.decidedBy));
  const undecidable =
    out.custom.length > 0 ? `depends on ext-authz provider ${out.custom.map((c) => c.provider).join(", ")}` : undefined;
  return {
    layer: "mesh",
    allowed: out.allowed,
    decidedBy,
    istio: out,
    ...(undecidable === undefined ? {} : { undecidable }),
  };
}

export { cidrContains };
