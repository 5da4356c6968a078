import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

const EKS = "examples/aws-eks-payments";

type Control = { control: string; state: string; why: string };
type Front = {
  workload: string;
  entry: string;
  port: number;
  depth: number;
  source: { kind: string };
  controls: Control[];
};
type Entry = { resource: string; kind: string; depth: number; controls: Control[]; fronts?: Front[] };

function cloud(path: string): Entry[] {
  const r = ward(["exposure", path, "--format", "json"]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { cloud: Entry[] }).cloud;
}

describe("ward exposure: an EKS node group fronting the payments cluster", () => {
  const list = cloud(EKS);
  const workers = list.find((e) => e.resource === "workers");
  const front = (workload: string) => workers?.fronts?.find((f) => f.workload === workload);

  it("the node group's security group hop is unknown (the EKS cluster security group is not in the files)", () => {
    const sg = workers?.controls.find((c) => c.control === "security group");
    expect(sg?.state).toBe("unknown");
    expect(sg?.why).toContain("EKS cluster security group");
  });

  it("counts the NetworkPolicy as a blocking control for a workload no policy admits from the load balancer", () => {
    const backend = front("payments/backend");
    expect(backend?.entry).toBe("Service payments/backend-debug LoadBalancer :8443/TCP");
    expect(backend?.source.kind).toBe("lb");
    expect(backend?.controls.find((c) => c.control === "cluster")?.state).toBe("blocks");
    expect(backend?.depth).toBe(1);
  });

  it("does not count it for a workload the policy admits from the load balancer", () => {
    const controller = front("ingress-nginx/ingress-nginx-controller");
    expect(controller?.controls.find((c) => c.control === "cluster")?.state).toBe("restricts");
    expect(controller?.depth).toBe(0);
  });

  it("text output lists the fronted workloads with the source the pod sees", () => {
    const r = ward(["exposure", EKS]);
    expect(r.stdout).toContain("cluster workloads it fronts (LoadBalancer/NodePort Services):");
    expect(r.stdout).toMatch(
      /payments\/backend ← Service payments\/backend-debug LoadBalancer :8443\/TCP → pod port 80\/TCP: 1 control blocks/,
    );
    expect(r.stdout).toContain("✗ blocks  cluster: no NetworkPolicy rule admits 10.0.0.0/16 on TCP/80");
  });

  it("without Kubernetes objects the cloud report has no cluster layers", () => {
    const only = cloud(`${EKS}/terraform`);
    expect(only.some((e) => e.fronts !== undefined)).toBe(false);
    expect(only.find((e) => e.resource === "workers")?.depth).toBe(workers?.depth);
    // Behind the ALB through the node group's Auto Scaling group, but the ALB → node hop is unknown: said, not dropped.
    const behind = (only.find((e) => e.resource === "workers") as unknown as { behind: { hopUnknown?: string }[] })
      .behind;
    expect(behind[0]?.hopUnknown).toContain("EKS cluster security group");
  });

  it("an ALB in the files forwarding to the node group's node port fronts the Service with that node port", () => {
    const web = list.find((e) => e.resource === "web");
    const f = web?.fronts?.find((x) => x.workload === "ingress-nginx/ingress-nginx-controller");
    expect(f?.entry).toBe(
      "listener 443 → target group ingress-nodes → Service ingress-nginx/ingress-nginx-controller node port 30443/TCP",
    );
    // ALB proxies, then externalTrafficPolicy Cluster SNATs: the pod sees a node; the node SG is AWS-created.
    expect(f?.source.kind).toBe("node");
    const hop = f?.controls.filter((c) => c.control === "security group").map((c) => c.state);
    expect(hop).toEqual(["restricts", "unknown"]);
    expect(f?.controls.find((c) => c.control === "cluster")?.state).toBe("restricts");
    expect(f?.depth).toBe(0);
  });
});
