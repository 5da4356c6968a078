import { describe, expect, it } from "vitest";
import { modelOf, namespace, pod, policy } from "../../../test/support/cluster-fixture.js";
import { parseCidr } from "../../model/cidr.js";
import type { CloudModel } from "../../model/cloud.js";
import { emptyCloud } from "../../model/cloud.js";
import type { CloudExposure } from "../cloud/cloud-exposure.js";
import { seenSource, serviceLbScheme, withClusterLayers } from "./cloud-cluster.js";

const REF = { kind: "test", name: "t", file: "main.tf", line: 1 };
const CLOUD: CloudModel = {
  ...emptyCloud(),
  vpcs: [{ id: "vpc", cidrs: [parseCidr("10.0.0.0/16")], source: REF }],
  subnets: [
    { id: "nodes", name: "nodes", vpcId: "vpc", cidr: parseCidr("10.0.1.0/24"), mapPublicIp: false, source: REF },
  ],
  interfaces: [
    {
      id: "ng#nodes",
      name: "workers",
      tier: "eks",
      kind: "node-group",
      subnetId: "nodes",
      publicIp: false,
      securityGroupIds: [],
      unknownSecurityGroups: "cluster security group",
      source: REF,
    },
  ],
};
const NODE_GROUP: CloudExposure = {
  resource: "workers",
  tier: "eks",
  kind: "node-group",
  exposed: [],
  behind: [],
  path: [],
  controls: [],
  depth: 0,
};

function service(extra: { annotations?: Record<string, string>; etp?: string; type?: string; protocol?: string }) {
  const ann = Object.entries(extra.annotations ?? {}).map(([k, v]) => `    ${k}: "${v}"`);
  return `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
${ann.length > 0 ? `  annotations:\n${ann.join("\n")}` : ""}
spec:
  type: ${extra.type ?? "LoadBalancer"}
${extra.etp ? `  externalTrafficPolicy: ${extra.etp}` : ""}
  selector:
    app: web
  ports:
    - port: 443
      targetPort: 8080
      protocol: ${extra.protocol ?? "TCP"}`;
}

const IP = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "external",
  "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
};
const ADMIT_VPC = policy(
  "shop",
  "admit-vpc",
  `podSelector: {}
policyTypes: [Ingress]
ingress:
  - from:
      - ipBlock: { cidr: 10.0.0.0/16 }
    ports:
      - { protocol: TCP, port: 8080 }`,
);
const DENY_ALL = policy("shop", "deny", "podSelector: {}\npolicyTypes: [Ingress]");

function fronted(...docs: string[]) {
  const model = modelOf(namespace("shop"), pod("shop", "web", { app: "web" }), ...docs);
  const [e] = withClusterLayers(model, CLOUD, [NODE_GROUP]);
  const f = e?.fronts?.[0];
  return { f, state: (c: string) => f?.controls.find((x) => x.control === c)?.state };
}

describe("the source address a pod sees for traffic from an AWS load balancer", () => {
  const source = (...docs: string[]) => {
    const m = modelOf(namespace("shop"), ...docs);
    const s = m.services[0];
    const p = s?.ports[0];
    if (!s || !p) throw new Error("no service");
    return seenSource(m, s, p).kind;
  };

  it("NLB ip targets over TCP: the load balancer's private address (client IP preservation off)", () => {
    expect(source(service({ annotations: IP }))).toBe("lb");
  });

  it("NLB ip targets with preserve_client_ip.enabled=true, or over UDP: the client", () => {
    const attrs = {
      "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "preserve_client_ip.enabled=true",
    };
    expect(source(service({ annotations: { ...IP, ...attrs } }))).toBe("client");
    expect(source(service({ annotations: IP, protocol: "UDP" }))).toBe("client");
  });

  it("instance targets: externalTrafficPolicy Local keeps the NLB's client address, a Classic ELB's own", () => {
    const nlb = { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" };
    expect(source(service({ annotations: nlb, etp: "Local" }))).toBe("client");
    expect(source(service({ etp: "Local" }))).toBe("lb");
  });

  it("externalTrafficPolicy Cluster SNATs to a node IP, for a NodePort as for a LoadBalancer", () => {
    expect(source(service({ annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" } }))).toBe(
      "node",
    );
    expect(source(service({ type: "NodePort" }))).toBe("node");
    expect(source(service({ type: "NodePort", etp: "Local" }))).toBe("client");
  });
});

describe("the scheme of the load balancer a Service creates", () => {
  const LBC = { "service.beta.kubernetes.io/aws-load-balancer-type": "external" };
  it("the AWS Load Balancer Controller creates internal NLBs unless the scheme says internet-facing", () => {
    expect(serviceLbScheme(LBC).internal).toBe(true);
    expect(
      serviceLbScheme({ ...LBC, "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }).internal,
    ).toBe(true);
    expect(serviceLbScheme(IP).internal).toBe(false);
  });

  it("the in-tree provider is internet-facing unless aws-load-balancer-internal is set", () => {
    expect(serviceLbScheme({}).internal).toBe(false);
    expect(serviceLbScheme({ "service.beta.kubernetes.io/aws-load-balancer-internal": "true" }).internal).toBe(true);
    expect(serviceLbScheme({ "service.beta.kubernetes.io/aws-load-balancer-internal": "false" }).internal).toBe(false);
  });

  it("an internal load balancer blocks the internet: the control counts in the depth", () => {
    const internal = { ...IP, "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" };
    const { f, state } = fronted(service({ annotations: internal }), DENY_ALL);
    expect(state("load balancer")).toBe("blocks");
    expect(f?.depth).toBe(2);
  });
});

describe("the cluster and mesh layers behind an EKS node group", () => {
  it("a NetworkPolicy admitting the VPC restricts (not counted) for ip targets", () => {
    const { f, state } = fronted(service({ annotations: IP }), ADMIT_VPC);
    expect(state("cluster")).toBe("restricts");
    expect(f?.depth).toBe(0);
    expect(f?.port).toBe(8080);
  });

  it("no NetworkPolicy admitting the load balancer's addresses blocks (counted in the depth)", () => {
    const { f, state } = fronted(service({ annotations: IP }), DENY_ALL);
    expect(state("cluster")).toBe("blocks");
    expect(f?.depth).toBe(1);
  });

  it("a policy admitting only part of the VPC cannot say which address the load balancer has: unknown", () => {
    const part = policy(
      "shop",
      "part",
      "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n  - from:\n      - ipBlock: { cidr: 10.0.1.0/24 }",
    );
    const { f, state } = fronted(service({ annotations: IP }), part);
    expect(state("cluster")).toBe("unknown");
    expect(f?.depth).toBe(0);
  });

  it("SNAT to a node IP never blocks for sure: traffic from the pod's own node is always allowed", () => {
    const { f, state } = fronted(service({}), DENY_ALL);
    expect(state("cluster")).toBe("unknown");
    expect(f?.depth).toBe(0);
  });

  it("Istio STRICT mTLS blocks plaintext from the load balancer (mesh control counted)", () => {
    const strict = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: STRICT`;
    const model = modelOf(
      namespace("shop", { "istio-injection": "enabled" }),
      pod("shop", "web", { app: "web" }),
      service({ annotations: IP }),
      strict,
    );
    const f = withClusterLayers(model, CLOUD, [NODE_GROUP])[0]?.fronts?.[0];
    expect(f?.controls.find((c) => c.control === "mesh")?.state).toBe("blocks");
    expect(f?.controls.find((c) => c.control === "cluster")?.state).toBe("open");
    expect(f?.depth).toBe(1);
  });

  it("inputs without LoadBalancer/NodePort Services come back unchanged", () => {
    const model = modelOf(namespace("shop"), pod("shop", "web", { app: "web" }));
    expect(withClusterLayers(model, CLOUD, [NODE_GROUP])).toEqual([NODE_GROUP]);
  });
});

describe("the source through a target group in the files", () => {
  it("an ALB (HTTP/HTTPS target group) proxies; an NLB (TCP) preserves the client; Cluster SNATs to a node", async () => {
    const { seenThroughTargetGroup } = await import("./cloud-cluster.js");
    const m = modelOf(namespace("shop"), service({ type: "NodePort", etp: "Local" }));
    const local = m.services[0];
    if (!local) throw new Error("no service");
    expect(seenThroughTargetGroup(local, "HTTPS").kind).toBe("lb");
    expect(seenThroughTargetGroup(local, "TCP").kind).toBe("client");
    const cluster = { ...local, externalTrafficPolicy: "Cluster" as const };
    expect(seenThroughTargetGroup(cluster, "HTTP")).toMatchObject({ kind: "node", beforeSnat: "lb" });
  });
});

describe("AWS Load Balancer Controller Ingresses behind the node group", () => {
  const ingress = (annotations: Record<string, string>) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
  annotations:
${Object.entries(annotations)
  .map(([k, v]) => `    ${k}: "${v}"`)
  .join("\n")}
spec:
  ingressClassName: alb
  defaultBackend:
    service:
      name: web
      port:
        number: 443`;
  const svc = service({ type: "ClusterIP" });

  it("an internet-facing ALB with ip targets: the pod sees the ALB, which no policy admits — blocks", () => {
    const { f, state } = fronted(
      svc,
      DENY_ALL,
      ingress({ "alb.ingress.kubernetes.io/scheme": "internet-facing", "alb.ingress.kubernetes.io/target-type": "ip" }),
    );
    expect(f?.source.kind).toBe("lb");
    expect(state("load balancer")).toBe("restricts");
    expect(state("cluster")).toBe("blocks");
    expect(f?.depth).toBe(1);
  });

  it("the default scheme is internal: the load balancer control blocks the internet", () => {
    const { f, state } = fronted(svc, ADMIT_VPC, ingress({ "alb.ingress.kubernetes.io/target-type": "ip" }));
    expect(state("load balancer")).toBe("blocks");
    expect(state("cluster")).toBe("restricts");
    expect(f?.depth).toBe(1);
  });
});

describe("a NodePort Service behind the node group", () => {
  it("is judged on the node port itself: the node group's controls on that port count", () => {
    const np = service({ type: "NodePort", etp: "Local" }).replace(
      "targetPort: 8080",
      "targetPort: 8080\n      nodePort: 30080",
    );
    const { f, state } = fronted(np, ADMIT_VPC);
    expect(f?.entry).toBe("Service shop/web NodePort :30080/TCP");
    expect(state("public address")).toBe("blocks");
    expect(f?.source.kind).toBe("client");
    // No NACL or route table in this cloud: those hops are unknown, never guessed; the depth counts the sure blocks.
    expect(f?.controls.map((c) => `${c.control}:${c.state}`)).toEqual([
      "public address:blocks",
      "network ACL:unknown",
      "security group:unknown",
      "cluster:restricts",
    ]);
    expect(f?.depth).toBe(1);
  });
});
