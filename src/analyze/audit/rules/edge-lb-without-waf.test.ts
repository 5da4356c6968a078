import { describe, expect, it } from "vitest";
import { loadModel } from "../../../load/index.js";
import { runAudit } from "../run-audit.js";
import { auditTerraform, VPC } from "./audit-terraform.js";

const tf = (internal: boolean, waf: boolean) => `${VPC}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}
resource "aws_security_group" "lb" {
  name        = "lb"
  description = "lb"
  vpc_id      = aws_vpc.main.id
}
resource "aws_lb" "web" {
  internal        = ${internal}
  subnets         = [aws_subnet.a.id, aws_subnet.b.id]
  security_groups = [aws_security_group.lb.id]
}
${
  waf
    ? `resource "aws_wafv2_web_acl_association" "web" {
  resource_arn = aws_lb.web.arn
  web_acl_arn  = "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/web/abc"
}
`
    : ""
}`;

describe("WARD-EDGE-004 internet-facing load balancer without WAF", () => {
  it("reports an internet-facing load balancer once, not once per subnet", async () => {
    const f = await auditTerraform(tf(false, false), "WARD-EDGE-004");
    expect(f.map((x) => x.message)).toEqual([expect.stringContaining("aws_lb.web")]);
  });
  it("is quiet with a web ACL association and for an internal load balancer", async () => {
    expect(await auditTerraform(tf(false, true), "WARD-EDGE-004")).toEqual([]);
    expect(await auditTerraform(tf(true, false), "WARD-EDGE-004")).toEqual([]);
  });
  it("says nothing when the inputs cannot state associations (describe-* output carries no WAF data)", async () => {
    const model = await loadModel(["examples/aws-three-tier/describe"]);
    expect(model.cloud?.interfaces.some((e) => e.kind === "load-balancer" && e.internetFacing === true)).toBe(true);
    expect((await runAudit(model, { rules: ["WARD-EDGE-004"] })).findings).toEqual([]);
  });
});
