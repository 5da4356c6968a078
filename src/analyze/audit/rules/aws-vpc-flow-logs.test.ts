import { describe, expect, it } from "vitest";
import { loadDescribe } from "../../../load/aws/describe.js";
import type { Model } from "../../../model/model.js";
import { runAudit } from "../run-audit.js";
import { auditTerraform, VPC } from "./audit-terraform.js";

const subnet = (name: string, cidr: string) => `resource "aws_subnet" "${name}" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "${cidr}"
}
`;
const log = (name: string, arg: string) => `resource "aws_flow_log" "${name}" {
  ${arg}
  traffic_type = "ALL"
}
`;

describe("WARD-AWS-015 VPC without flow logs", () => {
  it("reports a VPC with no flow log, and one where only some subnets have one", async () => {
    const none = await auditTerraform(VPC + subnet("a", "10.0.1.0/24"), "WARD-AWS-015");
    expect(none.map((f) => [f.subject.name, f.subject.line, f.message])).toEqual([
      ["aws_vpc.main", 1, "VPC aws_vpc.main has no flow log"],
    ]);
    const partial = await auditTerraform(
      VPC + subnet("a", "10.0.1.0/24") + subnet("b", "10.0.2.0/24") + log("a", "subnet_id = aws_subnet.a.id"),
      "WARD-AWS-015",
    );
    expect(partial.map((f) => f.message)).toEqual([expect.stringContaining("only 1 of its 2 subnets have one; not b")]);
  });
  it("is quiet with a VPC flow log, with one on every subnet, and for describe output without describe-flow-logs", async () => {
    expect(await auditTerraform(VPC + log("vpc", "vpc_id = aws_vpc.main.id"), "WARD-AWS-015")).toEqual([]);
    expect(
      await auditTerraform(VPC + subnet("a", "10.0.1.0/24") + log("a", "subnet_id = aws_subnet.a.id"), "WARD-AWS-015"),
    ).toEqual([]);
    const vpcs = { file: "vpcs.json", text: JSON.stringify({ Vpcs: [{ VpcId: "vpc-1", CidrBlock: "10.0.0.0/16" }] }) };
    const audit = async (files: { file: string; text: string }[]) => {
      const cloud = loadDescribe(files).finish();
      const model = { cloud, pods: [], workloads: [], policies: [], warnings: [] } as unknown as Model;
      return (await runAudit(model, { rules: ["WARD-AWS-015"] })).findings.map((f) => f.message);
    };
    expect(await audit([vpcs])).toEqual([]);
    // With describe-flow-logs output the answer is known: no flow log on vpc-1.
    const logs = { file: "fl.json", text: JSON.stringify({ FlowLogs: [{ FlowLogId: "fl-1", ResourceId: "vpc-2" }] }) };
    expect(await audit([vpcs, logs])).toEqual(["VPC vpc-1 has no flow log"]);
  });
});
