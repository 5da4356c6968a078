import { cidrContains, parseCidr } from "../../model/cidr.js";
import type { Pod } from "../../model/endpoint.js";
import { selectorMatches } from "../../model/labels.js";
import type { AuthorizationPolicy, IstioRule, ValueMatch } from "../../model/mesh.js";
import type { Model } from "../../model/model.js";
import type { Request } from "../request.js";
import { type IstioClient, type MeshOptions, resolveMtls } from "./istio-evaluate.js";
import { portProtocol } from "./port-protocol.js";
import { namespaceMatches, pathMatches, patternMatches, principalMatches } from "./value-match.js";

/**
 * A deliberately plain reading of Istio's documentation, for property tests: one complete request, every policy
 * checked in order CUSTOM (assumed to allow) → DENY → ALLOW, every rule read field by field. No formulas, no solver.
 */
export function referenceIstio(
  model: Model,
  client: IstioClient,
  server: Pod,
  port: number,
  request: Request,
  opts: MeshOptions,
): boolean {
  const mtls = resolveMtls(model, server, port, opts);
  const secure = client.meshed && mtls.mode !== "DISABLE";
  if (!secure && mtls.mode === "STRICT") return false;
  const proto = portProtocol(model, server, port).kind;
  const given =
    request.method !== undefined ||
    request.path !== undefined ||
    request.host !== undefined ||
    Object.keys(request.headers).length > 0;
  const http = proto === "http" || (proto === "auto" && given);
  const principal = secure ? `${opts.trustDomain}/ns/${client.namespace}/sa/${client.serviceAccount}` : undefined;
  const policies = (model.mesh?.istio.authorizationPolicies ?? []).filter(
    (p) =>
      p.targetRefs === undefined &&
      (p.namespace === server.namespace || p.namespace === opts.rootNamespace) &&
      (p.selector === undefined || selectorMatches(p.selector, server.labels)),
  );
  const headers = new Map(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const path = request.path?.replace(/[?#].*$/, "");

  const check = (vm: ValueMatch | undefined, test: (v: string) => boolean | undefined): boolean | undefined => {
    if (vm === undefined) return true;
    let out = true;
    if (vm.values !== undefined) {
      const r = vm.values.map(test);
      if (r.includes(undefined)) return undefined;
      out &&= r.includes(true);
    }
    if (vm.notValues !== undefined) {
      const r = vm.notValues.map(test);
      if (r.includes(undefined)) return undefined;
      out &&= !r.includes(true);
    }
    return out;
  };
  // undefined: an HTTP-only field on a TCP port.
  let sawHttpOnly = false;
  const httpOnly = (f: (v: string) => boolean) => (v: string) => {
    if (http) return f(v);
    sawHttpOnly = true;
    return undefined;
  };
  const inIp = (v: string) => client.ip !== undefined && cidrContains(parseCidr(v), client.ip);

  const ruleMatches = (rule: IstioRule, action: AuthorizationPolicy["action"]): boolean => {
    sawHttpOnly = false;
    const results: (boolean | undefined)[] = [];
    if (rule.from !== undefined)
      results.push(
        any(
          rule.from.map((s) =>
            all([
              check(s.principals, (v) => secure && principalMatches(v, principal)),
              check(s.namespaces, (v) => secure && namespaceMatches(v, client.namespace)),
              check(s.ipBlocks, inIp),
              check(s.remoteIpBlocks, inIp),
              check(
                s.requestPrincipals,
                httpOnly(() => false),
              ),
            ]),
          ),
        ),
      );
    if (rule.to !== undefined)
      results.push(
        any(
          rule.to.map((o) =>
            all([
              check(o.ports, (v) => Number(v) === port),
              check(
                o.hosts,
                httpOnly((v) => patternMatches(v, request.host, true)),
              ),
              check(
                o.methods,
                httpOnly((v) => patternMatches(v, request.method)),
              ),
              check(
                o.paths,
                httpOnly((v) => pathMatches(v, path)),
              ),
            ]),
          ),
        ),
      );
    for (const w of rule.when) {
      const k = w.key;
      if (k === "source.ip" || k === "remote.ip") results.push(check(w, inIp));
      else if (k === "destination.ip")
        results.push(
          check(w, (v) => server.ips[0] !== undefined && cidrContains(parseCidr(v), parseCidr(server.ips[0]))),
        );
      else if (k === "destination.port") results.push(check(w, (v) => Number(v) === port));
      else if (k === "source.namespace") results.push(check(w, (v) => secure && namespaceMatches(v, client.namespace)));
      else if (k === "source.principal") results.push(check(w, (v) => secure && principalMatches(v, principal)));
      else if (k.startsWith("request.headers["))
        results.push(
          check(
            w,
            httpOnly((v) => patternMatches(v, headers.get(k.slice(16, -1).toLowerCase()))),
          ),
        );
      else if (k.startsWith("request."))
        results.push(
          check(
            w,
            httpOnly(() => false),
          ),
        );
      else results.push(check(w, () => false));
    }
    // HTTP-only fields on TCP: an ALLOW rule is ignored; in a DENY rule the field is dropped.
    if (sawHttpOnly && action === "ALLOW") return false;
    return results.every((r) => r !== false);
  };
  const matching = (action: AuthorizationPolicy["action"]) =>
    policies.filter((p) => p.action === action && p.rules.some((r) => ruleMatches(r, action)));
  if (matching("DENY").length > 0) return false;
  const allows = policies.filter((p) => p.action === "ALLOW");
  if (allows.length === 0) return true;
  return matching("ALLOW").length > 0;
}

function any(xs: (boolean | undefined)[]): boolean | undefined {
  if (xs.includes(true)) return true;
  return xs.includes(undefined) ? undefined : false;
}

function all(xs: (boolean | undefined)[]): boolean | undefined {
  if (xs.includes(false)) return false;
  return xs.includes(undefined) ? undefined : true;
}
