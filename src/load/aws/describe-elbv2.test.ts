import { describe, expect, it } from "vitest";
import { loadDescribe } from "./describe.js";

const A = "arn:aws:elasticloadbalancing:eu-west-1:123456789012";
const ENIS = JSON.stringify({
  NetworkInterfaces: [
    { NetworkInterfaceId: "eni-lb", SubnetId: "subnet-1", Description: "ELB app/web/1", Groups: [] },
    { NetworkInterfaceId: "eni-app", SubnetId: "subnet-1", Attachment: { InstanceId: "i-app" }, Groups: [] },
  ],
});
const GROUPS = JSON.stringify({
  TargetGroups: [
    {
      TargetGroupArn: `${A}:targetgroup/app/2`,
      TargetGroupName: "app",
      Port: 8080,
      TargetType: "instance",
      LoadBalancerArns: [`${A}:loadbalancer/app/web/1`],
    },
    {
      TargetGroupArn: `${A}:targetgroup/api/3`,
      TargetGroupName: "api",
      Port: 9090,
      TargetType: "ip",
      LoadBalancerArns: [`${A}:loadbalancer/app/web/1`],
    },
  ],
});
const LISTENERS = JSON.stringify({
  Listeners: [
    {
      ListenerArn: `${A}:listener/app/web/1/4`,
      LoadBalancerArn: `${A}:loadbalancer/app/web/1`,
      Port: 443,
      Protocol: "HTTPS",
      DefaultActions: [{ Type: "forward", TargetGroupArn: `${A}:targetgroup/app/2` }],
    },
  ],
});
const HEALTH = JSON.stringify({ TargetHealthDescriptions: [{ Target: { Id: "i-app", Port: 8080 } }] });

function load(files: Record<string, string>) {
  const b = loadDescribe(Object.entries(files).map(([file, text]) => ({ file, text })));
  return { cloud: b.finish(), warnings: b.warnings, problems: b.problems };
}

describe("aws elbv2 describe output", () => {
  it("a listener belongs to its load balancer's interfaces; instance targets become the instance's interfaces", () => {
    const r = load({
      "nis.json": ENIS,
      "tg.json": GROUPS,
      "l.json": LISTENERS,
      "describe-target-health-app.json": HEALTH,
    });
    expect(r.problems).toEqual([]);
    expect(r.cloud.listeners?.[0]).toMatchObject({ loadBalancerIds: ["eni-lb"], port: 443, protocol: "HTTPS" });
    const app = r.cloud.targetGroups?.find((g) => g.name === "app");
    expect(app?.targets.map((t) => t.targetId)).toEqual(["eni-app"]);
    expect(app?.unknownTargets).toBeUndefined();
  });

  it("target health output that names no target group is a warning, and the registrations stay unknown", () => {
    const r = load({ "nis.json": ENIS, "tg.json": GROUPS, "l.json": LISTENERS, "health.json": HEALTH });
    expect(r.warnings.map((w) => w.code)).toContain("target-group-unknown");
    expect(r.cloud.targetGroups?.every((g) => g.unknownTargets !== undefined)).toBe(true);
  });

  it("a target group the load balancer uses only through listener rules is said, not dropped", () => {
    const r = load({ "nis.json": ENIS, "tg.json": GROUPS, "l.json": LISTENERS });
    expect(r.warnings.find((w) => w.code === "listener-rules-unknown")?.message).toContain("target group api");
  });
});
