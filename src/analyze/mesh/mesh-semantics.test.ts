import { describe, expect, it } from "vitest";
import { modelOf } from "../../../test/support/cluster-fixture.js";
import { InputError } from "../../errors/input-error.js";
import type { Model } from "../../model/model.js";
import { reach } from "../reach/reach.js";
import type { Request } from "../request.js";
import { istioInjection } from "./injection.js";
import { resolveMtls } from "./istio-evaluate.js";
import { DEFAULT_ALL_MESH_OPTIONS } from "./mesh-layer.js";

const ns = (
  name: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: ${JSON.stringify(labels)}
  annotations: ${JSON.stringify(annotations)}`;

const pod = (
  namespace: string,
  name: string,
  opts: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    sa?: string;
    ip?: string;
    ports?: number[];
  } = {},
) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
  labels: ${JSON.stringify({ app: name, ...(opts.labels ?? {}) })}
  annotations: ${JSON.stringify(opts.annotations ?? {})}
spec:
  serviceAccountName: ${opts.sa ?? name}
  containers:
    - name: main
      image: app
      ports: ${JSON.stringify((opts.ports ?? [80, 9000]).map((p) => ({ containerPort: p })))}
${opts.ip ? `status:\n  podIP: ${opts.ip}\n  podIPs: [{ip: ${opts.ip}}]` : ""}`;

const service = (namespace: string, name: string, portName: string, port = 80) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector: {app: ${name}}
  ports:
    - name: ${portName}
      port: ${port}
      targetPort: ${port}`;

const authz = (namespace: string, name: string, spec: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${spec
  .split("\n")
  .map((l) => `  ${l}`)
  .join("\n")}`;

const peer = (namespace: string, name: string, spec: string) => `apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${spec
  .split("\n")
  .map((l) => `  ${l}`)
  .join("\n")}`;

/** Two meshed pods: app/client (sa client) → app/server (sa server), HTTP on 80, TCP on 9000. */
function mesh(...extra: string[]): Model {
  return modelOf(
    ns("app", { "istio-injection": "enabled" }),
    ns("outside"),
    pod("app", "client", { ip: "10.0.0.1" }),
    pod("app", "server", { ip: "10.0.0.2" }),
    pod("outside", "legacy", { ip: "10.0.1.1" }),
    service("app", "server", "http"),
    `apiVersion: v1
kind: Service
metadata:
  name: server-tcp
  namespace: app
spec:
  selector: {app: server}
  ports:
    - name: tcp-data
      port: 9000
      targetPort: 9000`,
    ...extra,
  );
}

function meshAllows(
  model: Model,
  from: string,
  to: string,
  port: number,
  request: Partial<Request> = {},
  plaintext = false,
): boolean {
  const r = reach(model, {
    from,
    to,
    port,
    protocol: "TCP",
    request: { headers: {}, ...request },
    plaintext,
    mesh: DEFAULT_ALL_MESH_OPTIONS,
  });
  const layer = r.pairs[0]?.mesh;
  if (layer === undefined) throw new Error("no mesh layer");
  return layer.allowed;
}

describe("Istio sidecar injection", () => {
  const inj = (
    nsLabels: Record<string, string>,
    podLabels: Record<string, string> = {},
    annotations: Record<string, string> = {},
  ) => {
    const m = modelOf(ns("x", nsLabels), pod("x", "p", { labels: podLabels, annotations }));
    const p = m.pods[0];
    if (p === undefined) throw new Error("no pod");
    return istioInjection(p, m.namespaces.get("x")).injected;
  };
  it("namespace istio-injection=enabled injects", () => expect(inj({ "istio-injection": "enabled" })).toBe(true));
  it("namespace istio.io/rev injects", () => expect(inj({ "istio.io/rev": "canary" })).toBe(true));
  it("istio-injection=disabled wins over the pod label", () =>
    expect(inj({ "istio-injection": "disabled" }, { "sidecar.istio.io/inject": "true" })).toBe(false));
  it("the pod label sidecar.istio.io/inject=false opts out of an enabled namespace", () =>
    expect(inj({ "istio-injection": "enabled" }, { "sidecar.istio.io/inject": "false" })).toBe(false));
  it("the pod label sidecar.istio.io/inject=true injects in an unlabeled namespace", () =>
    expect(inj({}, { "sidecar.istio.io/inject": "true" })).toBe(true));
  it("the legacy annotation alone does not inject in an unlabeled namespace", () =>
    expect(inj({}, {}, { "sidecar.istio.io/inject": "true" })).toBe(false));
  it("the legacy annotation false opts out of an enabled namespace", () =>
    expect(inj({ "istio-injection": "enabled" }, {}, { "sidecar.istio.io/inject": "false" })).toBe(false));
  it("the pod label wins over the legacy annotation", () =>
    expect(
      inj(
        { "istio-injection": "enabled" },
        { "sidecar.istio.io/inject": "true" },
        { "sidecar.istio.io/inject": "false" },
      ),
    ).toBe(true));
  it("nothing set: no sidecar", () => expect(inj({})).toBe(false));
});

describe("PeerAuthentication", () => {
  const mode = (m: Model, port = 80) => {
    const server = m.pods.find((p) => p.name === "server");
    if (server === undefined) throw new Error("no server");
    return resolveMtls(m, server, port, DEFAULT_ALL_MESH_OPTIONS).mode;
  };
  it("defaults to PERMISSIVE without any policy", () => expect(mode(mesh())).toBe("PERMISSIVE"));
  it("mesh-wide policy in the root namespace applies", () =>
    expect(mode(mesh(peer("istio-system", "default", "mtls:\n  mode: STRICT")))).toBe("STRICT"));
  it("namespace-wide beats mesh-wide", () =>
    expect(
      mode(
        mesh(peer("istio-system", "default", "mtls:\n  mode: STRICT"), peer("app", "ns", "mtls:\n  mode: PERMISSIVE")),
      ),
    ).toBe("PERMISSIVE"));
  it("workload-level beats namespace-wide", () =>
    expect(
      mode(
        mesh(
          peer("app", "ns", "mtls:\n  mode: PERMISSIVE"),
          peer("app", "w", "selector:\n  matchLabels: {app: server}\nmtls:\n  mode: DISABLE"),
        ),
      ),
    ).toBe("DISABLE"));
  it("UNSET inherits from the parent (workload UNSET → namespace)", () =>
    expect(
      mode(
        mesh(
          peer("app", "ns", "mtls:\n  mode: STRICT"),
          peer("app", "w", "selector:\n  matchLabels: {app: server}\nmtls:\n  mode: UNSET"),
        ),
      ),
    ).toBe("STRICT"));
  it("portLevelMtls keyed by the workload port overrides the workload mode on that port only", () => {
    const m = mesh(
      peer(
        "app",
        "w",
        'selector:\n  matchLabels: {app: server}\nmtls:\n  mode: STRICT\nportLevelMtls:\n  "9000":\n    mode: PERMISSIVE',
      ),
    );
    expect(mode(m, 9000)).toBe("PERMISSIVE");
    expect(mode(m, 80)).toBe("STRICT");
  });
  it("STRICT rejects plaintext from a client without a sidecar", () => {
    const m = mesh(peer("istio-system", "default", "mtls:\n  mode: STRICT"));
    expect(meshAllows(m, "outside/legacy", "app/server", 80)).toBe(false);
    expect(meshAllows(m, "app/client", "app/server", 80)).toBe(true);
    expect(meshAllows(m, "app/client", "app/server", 80, {}, true)).toBe(false);
  });
  it("PERMISSIVE accepts plaintext", () => expect(meshAllows(mesh(), "outside/legacy", "app/server", 80)).toBe(true));
});

const allowFromClient = `selector:
  matchLabels: {app: server}
action: ALLOW
rules:
  - from:
      - source:
          principals: ["cluster.local/ns/app/sa/client"]`;

describe("AuthorizationPolicy", () => {
  it("no policy: allowed", () => expect(meshAllows(mesh(), "app/client", "app/server", 80)).toBe(true));
  it("an ALLOW rule matching the principal allows; another principal is denied", () => {
    const m = mesh(authz("app", "a", allowFromClient), pod("app", "other", { ip: "10.0.0.3" }));
    expect(meshAllows(m, "app/client", "app/server", 80)).toBe(true);
    expect(meshAllows(m, "app/other", "app/server", 80)).toBe(false);
  });
  it("principals never match a plaintext source", () =>
    expect(meshAllows(mesh(authz("app", "a", allowFromClient)), "app/client", "app/server", 80, {}, true)).toBe(false));
  it("the spiffe:// form of a principal is accepted", () =>
    expect(
      meshAllows(
        mesh(authz("app", "a", allowFromClient.replace("cluster.local/", "spiffe://cluster.local/"))),
        "app/client",
        "app/server",
        80,
      ),
    ).toBe(true));
  it("DENY is evaluated before ALLOW", () => {
    const m = mesh(
      authz("app", "a", allowFromClient),
      authz("app", "d", 'action: DENY\nrules:\n  - to:\n      - operation:\n          paths: ["/admin*"]'),
    );
    expect(meshAllows(m, "app/client", "app/server", 80, { path: "/admin/x" })).toBe(false);
    expect(meshAllows(m, "app/client", "app/server", 80, { path: "/x" })).toBe(true);
  });
  it("ALLOW with no rules allows nothing", () =>
    expect(meshAllows(mesh(authz("app", "a", "action: ALLOW")), "app/client", "app/server", 80)).toBe(false));
  it("spec: {} is deny-all for its scope", () =>
    expect(meshAllows(mesh(authz("app", "a", "{}")), "app/client", "app/server", 80)).toBe(false));
  it("rules: [{}] matches everything", () =>
    expect(meshAllows(mesh(authz("app", "a", "action: ALLOW\nrules:\n  - {}")), "app/client", "app/server", 80)).toBe(
      true,
    ));
  it("a DENY rules: [{}] denies everything even with an ALLOW-all", () =>
    expect(
      meshAllows(
        mesh(authz("app", "a", "rules:\n  - {}"), authz("app", "d", "action: DENY\nrules:\n  - {}")),
        "app/client",
        "app/server",
        80,
      ),
    ).toBe(false));
  it("AUDIT does not affect the decision", () =>
    expect(meshAllows(mesh(authz("app", "a", "action: AUDIT\nrules:\n  - {}")), "app/client", "app/server", 80)).toBe(
      true,
    ));
  it("a mesh-wide policy in the root namespace applies to every namespace", () =>
    expect(meshAllows(mesh(authz("istio-system", "a", "action: ALLOW")), "app/client", "app/server", 80)).toBe(false));
  it("CUSTOM is reported as undecidable and assumed to allow", () => {
    const m = mesh(authz("app", "c", "action: CUSTOM\nprovider:\n  name: opa\nrules:\n  - {}"));
    const r = reach(m, { from: "app/client", to: "app/server", port: 80, protocol: "TCP" });
    expect(r.pairs[0]?.mesh?.undecidable).toContain("opa");
    expect(r.pairs[0]?.mesh?.allowed).toBe(true);
  });
  it("notPrincipals matches a plaintext source (a DENY with notPrincipals denies it)", () => {
    const m = mesh(
      authz(
        "app",
        "d",
        'action: DENY\nrules:\n  - from:\n      - source:\n          notPrincipals: ["cluster.local/ns/app/sa/client"]',
      ),
    );
    expect(meshAllows(m, "outside/legacy", "app/server", 80)).toBe(false);
    expect(meshAllows(m, "app/client", "app/server", 80)).toBe(true);
  });
  it("namespaces match the source namespace of an mTLS peer", () => {
    const m = mesh(authz("app", "a", 'rules:\n  - from:\n      - source:\n          namespaces: ["ap*"]'));
    expect(meshAllows(m, "app/client", "app/server", 80)).toBe(true);
    expect(meshAllows(m, "outside/legacy", "app/server", 80)).toBe(false);
  });
  it("ipBlocks and notIpBlocks match the source address", () => {
    const m = mesh(authz("app", "a", 'rules:\n  - from:\n      - source:\n          ipBlocks: ["10.0.1.0/24"]'));
    expect(meshAllows(m, "outside/legacy", "app/server", 80)).toBe(true);
    expect(meshAllows(m, "app/client", "app/server", 80)).toBe(false);
  });
  it("paths: prefix, suffix and presence", () => {
    const m = mesh(authz("app", "a", 'rules:\n  - to:\n      - operation:\n          paths: ["/api/*", "*.png"]'));
    expect(meshAllows(m, "app/client", "app/server", 80, { path: "/api/x" })).toBe(true);
    expect(meshAllows(m, "app/client", "app/server", 80, { path: "/img/a.png" })).toBe(true);
    expect(meshAllows(m, "app/client", "app/server", 80, { path: "/other" })).toBe(false);
  });
  it("fields within a rule AND, list items OR", () => {
    const m = mesh(
      authz(
        "app",
        "a",
        'rules:\n  - to:\n      - operation:\n          methods: ["GET", "HEAD"]\n          paths: ["/a"]',
      ),
    );
    expect(meshAllows(m, "app/client", "app/server", 80, { method: "HEAD", path: "/a" })).toBe(true);
    expect(meshAllows(m, "app/client", "app/server", 80, { method: "POST", path: "/a" })).toBe(false);
    expect(meshAllows(m, "app/client", "app/server", 80, { method: "GET", path: "/b" })).toBe(false);
  });
  it("when request.headers values and notValues", () => {
    const m = mesh(
      authz("app", "a", 'rules:\n  - when:\n      - key: request.headers[x-env]\n        values: ["prod"]'),
    );
    expect(meshAllows(m, "app/client", "app/server", 80, { headers: { "x-env": "prod" } })).toBe(true);
    expect(meshAllows(m, "app/client", "app/server", 80, { headers: { "x-env": "dev" } })).toBe(false);
  });
  it("without a request, a pair is allowed when SOME request is (ALLOW with a path still allows that path)", () => {
    const m = mesh(authz("app", "a", 'rules:\n  - to:\n      - operation:\n          paths: ["/health"]'));
    expect(meshAllows(m, "app/client", "app/server", 80)).toBe(true);
  });
  it("without a request: denied when every request an ALLOW rule allows is denied", () => {
    const m = mesh(
      authz("app", "a", 'rules:\n  - to:\n      - operation:\n          paths: ["/a*"]'),
      authz("app", "d", 'action: DENY\nrules:\n  - to:\n      - operation:\n          paths: ["/a*"]'),
    );
    expect(meshAllows(m, "app/client", "app/server", 80)).toBe(false);
  });
  it("HTTP-only fields on a TCP port: the ALLOW rule is ignored", () => {
    const m = mesh(authz("app", "a", 'rules:\n  - to:\n      - operation:\n          methods: ["GET"]'));
    expect(meshAllows(m, "app/client", "app/server", 9000)).toBe(false);
    expect(meshAllows(m, "app/client", "app/server", 80)).toBe(true);
  });
  it("HTTP-only fields on a TCP port: the DENY rule matches regardless of them", () => {
    const m = mesh(
      authz("app", "d", 'action: DENY\nrules:\n  - to:\n      - operation:\n          methods: ["DELETE"]'),
    );
    expect(meshAllows(m, "app/client", "app/server", 9000)).toBe(false);
    expect(meshAllows(m, "app/client", "app/server", 80, { method: "GET" })).toBe(true);
  });
  it("a server without a sidecar enforces nothing", () => {
    const m = modelOf(ns("plain"), pod("plain", "a"), pod("plain", "b"), authz("plain", "x", "action: ALLOW"));
    const r = reach(m, { from: "plain/a", to: "plain/b", port: 80, protocol: "TCP" });
    expect(r.pairs[0]?.mesh?.allowed).toBe(true);
  });
});

describe("Istio bad input", () => {
  const codes = (doc: string) => {
    try {
      modelOf(doc);
    } catch (e) {
      if (e instanceof InputError) return e.problems.map((p) => p.code);
      throw e;
    }
    return [];
  };
  it("unknown action", () => expect(codes(authz("a", "x", "action: PERMIT"))).toContain("unknown-action"));
  it("malformed principal", () =>
    expect(codes(authz("a", "x", 'rules:\n  - from:\n      - source:\n          principals: ["frontend"]'))).toContain(
      "malformed-principal",
    ));
  it("path with * in the middle", () =>
    expect(codes(authz("a", "x", 'rules:\n  - to:\n      - operation:\n          paths: ["/api/*/x"]'))).toContain(
      "invalid-wildcard",
    ));
  it("invalid mode", () => expect(codes(peer("a", "x", "mtls:\n  mode: STRICTER"))).toContain("invalid-mode"));
  it("the error names file and line", () => {
    expect(() => modelOf(authz("a", "x", "action: PERMIT"))).toThrow(/test\.yaml:\d+/);
  });
});

describe("Linkerd", () => {
  const lns = (annotations: Record<string, string>) => ns("l", {}, { "linkerd.io/inject": "enabled", ...annotations });
  const allows = (m: Model, from: string, port = 80, plaintext = false) =>
    meshAllows(m, from, "l/server", port, {}, plaintext);
  const base = (...extra: string[]) =>
    modelOf(
      lns({}),
      pod("l", "client", { ip: "10.1.0.1" }),
      pod("l", "server", { ip: "10.1.0.2" }),
      ns("o"),
      pod("o", "plain", { ip: "10.2.0.1" }),
      ...extra,
    );
  const server = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: web, namespace: l}
spec:
  podSelector: {matchLabels: {app: server}}
  port: 80`;
  it("default all-unauthenticated allows everyone", () => expect(allows(base(), "o/plain")).toBe(true));
  it("the namespace default-inbound-policy annotation applies (deny)", () => {
    const m = modelOf(
      lns({ "config.linkerd.io/default-inbound-policy": "deny" }),
      pod("l", "client"),
      pod("l", "server"),
    );
    expect(allows(m, "l/client")).toBe(false);
  });
  it("the pod annotation beats the namespace (all-authenticated: meshed clients only)", () => {
    const m = modelOf(
      lns({ "config.linkerd.io/default-inbound-policy": "deny" }),
      pod("l", "client"),
      pod("l", "server", { annotations: { "config.linkerd.io/default-inbound-policy": "all-authenticated" } }),
    );
    expect(allows(m, "l/client")).toBe(true);
    expect(allows(m, "l/client", 80, true)).toBe(false);
  });
  it("a port with a Server but no authorization denies all", () =>
    expect(allows(base(server), "l/client")).toBe(false));
  it("MeshTLSAuthentication by service account authorizes that client only", () => {
    const m = base(
      server,
      `apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: clients, namespace: l}
spec:
  identities: ["client.l.serviceaccount.identity.linkerd.cluster.local"]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: web-auth, namespace: l}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: web}
  requiredAuthenticationRefs:
    - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: clients}`,
    );
    expect(allows(m, "l/client")).toBe(true);
    expect(allows(m, "o/plain")).toBe(false);
  });
  it("NetworkAuthentication admits addresses in its networks, minus except", () => {
    const m = base(
      server,
      `apiVersion: policy.linkerd.io/v1alpha1
kind: NetworkAuthentication
metadata: {name: nets, namespace: l}
spec:
  networks: [{cidr: 10.2.0.0/16, except: [10.2.9.0/24]}]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: web-auth, namespace: l}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: web}
  requiredAuthenticationRefs:
    - {group: policy.linkerd.io, kind: NetworkAuthentication, name: nets}`,
    );
    expect(allows(m, "o/plain")).toBe(true);
    expect(allows(m, "l/client")).toBe(false);
  });
});
