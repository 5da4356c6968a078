import { type AllMeshOptions, DEFAULT_ALL_MESH_OPTIONS } from "../analyze/mesh/mesh-layer.js";
import { parseHeaders, type Request } from "../analyze/request.js";
import { UsageError } from "../errors/input-error.js";
import { parseCidr } from "../model/cidr.js";

/** Flags shared by reach/explain (request, --plaintext) and matrix (mesh settings). */
export type MeshFlags = {
  method?: string;
  path?: string;
  host?: string;
  header?: string[];
  plaintext?: boolean;
  trustDomain?: string;
  clusterNetworks?: string;
};

export function parseRequest(opts: MeshFlags): Request {
  const { headers, bad } = parseHeaders(opts.header ?? []);
  if (bad.length > 0) throw new UsageError(`--header: "${bad[0]}" is not name=value`);
  if (opts.path !== undefined && !opts.path.startsWith("/"))
    throw new UsageError(`--path: "${opts.path}" must start with /`);
  if (opts.method !== undefined && !/^[A-Za-z]+$/.test(opts.method))
    throw new UsageError(`--method: "${opts.method}" is not an HTTP method`);
  return {
    ...(opts.method === undefined ? {} : { method: opts.method.toUpperCase() }),
    ...(opts.path === undefined ? {} : { path: opts.path }),
    ...(opts.host === undefined ? {} : { host: opts.host }),
    headers,
  };
}

export function parseMeshOptions(opts: MeshFlags): AllMeshOptions {
  let clusterNetworks = DEFAULT_ALL_MESH_OPTIONS.clusterNetworks;
  if (opts.clusterNetworks !== undefined) {
    clusterNetworks = opts.clusterNetworks
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    for (const c of clusterNetworks) {
      try {
        parseCidr(c);
      } catch {
        throw new UsageError(`--cluster-networks: "${c}" is not a CIDR`);
      }
    }
  }
  if (opts.trustDomain !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(opts.trustDomain))
    throw new UsageError(`--trust-domain: "${opts.trustDomain}" is not a DNS name`);
  return {
    ...DEFAULT_ALL_MESH_OPTIONS,
    clusterNetworks,
    ...(opts.trustDomain === undefined ? {} : { trustDomain: opts.trustDomain }),
  };
}
