import { describe, expect, it } from "vitest";
import { loadTerraform } from "./load-terraform.js";

const BASE = `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_lb" "web" {
  subnets = []
}
resource "aws_lb_target_group" "app" {
  port     = 8080
  protocol = "HTTP"
}
`;

async function load(text: string) {
  return loadTerraform([{ file: "main.tf", text: BASE + text }], { vars: [] });
}

describe("Terraform load balancer listeners and target groups", () => {
  it("a listener keeps its port, protocol and forward action; its rules add their forwards", async () => {
    const r = await load(`resource "aws_lb_target_group" "admin" {
  port        = 9090
  target_type = "ip"
}
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "https"
  default_action {
    type = "authenticate-oidc"
  }
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
resource "aws_lb_listener_rule" "admin" {
  listener_arn = aws_lb_listener.https.arn
  action {
    type = "forward"
    forward {
      target_group {
        arn = aws_lb_target_group.admin.arn
      }
    }
  }
}`);
    expect(r.problems).toEqual([]);
    const l = r.cloud.listeners?.[0];
    expect(l).toMatchObject({ loadBalancerIds: ["aws_lb.web"], port: 443, protocol: "HTTPS" });
    expect(l?.actions.map((a) => (a.type === "forward" ? a.targetGroupIds : a.type))).toEqual([
      ["aws_lb_target_group.app"],
      ["aws_lb_target_group.admin"],
    ]);
    expect(r.cloud.targetGroups?.map((g) => [g.id, g.port, g.targetType])).toEqual([
      ["aws_lb_target_group.app", 8080, "instance"],
      ["aws_lb_target_group.admin", 9090, "ip"],
    ]);
  });

  it("a redirect or fixed-response listener forwards to no target group", async () => {
    const r = await load(`resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  default_action {
    type = "redirect"
  }
}`);
    expect(r.cloud.listeners?.[0]?.actions.map((a) => a.type)).toEqual(["redirect"]);
    expect(r.cloud.listeners?.[0]?.protocol).toBe("HTTP");
  });

  it("attachments register targets with their port override", async () => {
    const r = await load(`resource "aws_lb_target_group_attachment" "a" {
  target_group_arn = aws_lb_target_group.app.arn
  target_id        = "10.0.1.5"
  port             = 8443
}`);
    expect(r.cloud.targetGroups?.[0]?.targets.map((t) => [t.targetId, t.port])).toEqual([["10.0.1.5", 8443]]);
  });

  it("an Auto Scaling group's registrations are unknown, not empty", async () => {
    const r = await load(`resource "aws_autoscaling_attachment" "asg" {
  autoscaling_group_name = "workers"
  lb_target_group_arn    = aws_lb_target_group.app.arn
}`);
    expect(r.cloud.targetGroups?.[0]?.unknownTargets).toContain("Auto Scaling group workers");
  });

  it("an EKS node group's Auto Scaling group registers the node group", async () => {
    const r = await load(`resource "aws_eks_node_group" "workers" {
  cluster_name = "c"
  subnet_ids   = []
}
resource "aws_autoscaling_attachment" "nodes" {
  autoscaling_group_name = aws_eks_node_group.workers.resources[0].autoscaling_groups[0].name
  lb_target_group_arn    = aws_lb_target_group.app.arn
}`);
    expect(r.cloud.targetGroups?.[0]?.targets.map((t) => t.targetId)).toEqual(["aws_eks_node_group.workers"]);
  });

  it("an action type or target_type AWS does not have is an error at file:line", async () => {
    const r = await load(`resource "aws_lb_listener" "x" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  default_action {
    type = "drop"
  }
}
resource "aws_lb_target_group" "bad" {
  port        = 1
  target_type = "pod"
}`);
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([
      ["invalid-value", 15],
      ["invalid-value", 20],
    ]);
  });
});

describe("terraform show -json load balancing", () => {
  it("listeners, target groups and attachments resolve ARNs to the resources that own them", async () => {
    const { loadTerraformJson } = await import("./terraform-json.js");
    const arn = (what: string) => `arn:aws:elasticloadbalancing:eu-west-1:123456789012:${what}`;
    const resources = [
      { address: "aws_vpc.main", type: "aws_vpc", name: "main", values: { id: "vpc-1", cidr_block: "10.0.0.0/16" } },
      {
        address: "aws_lb.web",
        type: "aws_lb",
        name: "web",
        values: { arn: arn("loadbalancer/app/web/1"), internal: false, subnets: [] },
      },
      {
        address: "aws_lb_target_group.app",
        type: "aws_lb_target_group",
        name: "app",
        values: { arn: arn("targetgroup/app/2"), name: "app", port: 8080, protocol: "HTTP", target_type: "instance" },
      },
      {
        address: "aws_lb_listener.https",
        type: "aws_lb_listener",
        name: "https",
        values: {
          arn: arn("listener/app/web/1/3"),
          load_balancer_arn: arn("loadbalancer/app/web/1"),
          port: 443,
          protocol: "HTTPS",
          default_action: [{ type: "forward", target_group_arn: arn("targetgroup/app/2"), redirect: [], forward: [] }],
        },
      },
      {
        address: "aws_lb_target_group_attachment.app",
        type: "aws_lb_target_group_attachment",
        name: "app",
        values: { target_group_arn: arn("targetgroup/app/2"), target_id: "i-0abc", port: 9090 },
      },
    ].map((r) => ({ mode: "managed", ...r }));
    const text = JSON.stringify({ format_version: "1.0", values: { root_module: { resources } } }, null, 2);
    const r = loadTerraformJson([{ file: "show.json", text }]);
    expect(r.problems).toEqual([]);
    const l = r.cloud.listeners?.[0];
    expect(l).toMatchObject({ loadBalancerIds: ["aws_lb.web"], port: 443, protocol: "HTTPS" });
    expect(l?.actions).toMatchObject([{ type: "forward", targetGroupIds: ["aws_lb_target_group.app"] }]);
    expect(r.cloud.targetGroups?.[0]?.targets).toMatchObject([{ targetId: "i-0abc", port: 9090 }]);
  });
});
