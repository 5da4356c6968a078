import { describe, expect, it } from "vitest";
import { loadDescribe } from "../../../load/aws/describe.js";
import type { Model } from "../../../model/model.js";
import { runAudit } from "../run-audit.js";
import { auditTerraform, VPC } from "./audit-terraform.js";

const subnet = (name: string, cidr: string, az?: string) => `resource "aws_subnet" "${name}" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "${cidr}"
${az === undefined ? "" : `  availability_zone = "${az}"\n`}}
`;
const instance = (name: string, subnetName: string) => `resource "aws_instance" "${name}" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.${subnetName}.id
}
`;
const endpoint = (subnets: string[]) => `resource "aws_vpc_endpoint" "sts" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.eu-west-1.sts"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [${subnets.map((s) => `aws_subnet.${s}.id`).join(", ")}]
}
`;

const apps = subnet("app_a", "10.0.1.0/24", "eu-west-1a") + subnet("app_b", "10.0.2.0/24", "eu-west-1b");
const workloads = instance("a", "app_a") + instance("b", "app_b");

describe("WARD-AWS-016 interface endpoint not in every zone that uses it", () => {
  it("reports the zones whose workloads have no endpoint interface", async () => {
    const f = await auditTerraform(VPC + apps + workloads + endpoint(["app_a"]), "WARD-AWS-016");
    expect(f.map((x) => [x.subject.name, x.message])).toEqual([
      [
        "aws_vpc_endpoint.sts",
        expect.stringMatching(/is in eu-west-1a but workloads use it from eu-west-1b \(subnets app_b\)/),
      ],
    ]);
    expect(f[0]?.related?.map((r) => r.name)).toEqual(["aws_subnet.app_b"]);
  });
  it("counts a subnet added by aws_vpc_endpoint_subnet_association", async () => {
    const assoc = `resource "aws_vpc_endpoint_subnet_association" "b" {
  vpc_endpoint_id = aws_vpc_endpoint.sts.id
  subnet_id       = aws_subnet.app_b.id
}
`;
    expect(await auditTerraform(VPC + apps + workloads + endpoint(["app_a"]) + assoc, "WARD-AWS-016")).toEqual([]);
  });
  it("is quiet when every zone is covered, and skips subnets whose zone is not in the files", async () => {
    expect(await auditTerraform(VPC + apps + workloads + endpoint(["app_a", "app_b"]), "WARD-AWS-016")).toEqual([]);
    const unknownZone = subnet("app_a", "10.0.1.0/24", "eu-west-1a") + subnet("app_b", "10.0.2.0/24");
    expect(await auditTerraform(VPC + unknownZone + workloads + endpoint(["app_a"]), "WARD-AWS-016")).toEqual([]);
  });
  it("reads zones and endpoint subnets from describe output (AvailabilityZone, SubnetIds)", async () => {
    const j = (v: unknown) => JSON.stringify(v, null, 2);
    const subnet = (id: string, cidr: string, az: string) => ({
      SubnetId: id,
      VpcId: "vpc-1",
      CidrBlock: cidr,
      AvailabilityZone: az,
    });
    const files = (endpointSubnets: string[]) => [
      { file: "vpcs.json", text: j({ Vpcs: [{ VpcId: "vpc-1", CidrBlock: "10.0.0.0/16" }] }) },
      {
        file: "subnets.json",
        text: j({
          Subnets: [subnet("subnet-a", "10.0.1.0/24", "eu-west-1a"), subnet("subnet-b", "10.0.2.0/24", "eu-west-1b")],
        }),
      },
      {
        file: "enis.json",
        text: j({
          NetworkInterfaces: [
            { NetworkInterfaceId: "eni-a", SubnetId: "subnet-a", Attachment: { InstanceId: "i-a" } },
            { NetworkInterfaceId: "eni-b", SubnetId: "subnet-b", Attachment: { InstanceId: "i-b" } },
          ],
        }),
      },
      {
        file: "endpoints.json",
        text: j({
          VpcEndpoints: [
            {
              VpcEndpointId: "vpce-1",
              VpcId: "vpc-1",
              VpcEndpointType: "Interface",
              ServiceName: "com.amazonaws.eu-west-1.ssm",
              SubnetIds: endpointSubnets,
            },
          ],
        }),
      },
    ];
    const audit = async (endpointSubnets: string[]) => {
      const model = {
        cloud: loadDescribe(files(endpointSubnets)).finish(),
        pods: [],
        workloads: [],
        policies: [],
        warnings: [],
      };
      return (await runAudit(model as unknown as Model, { rules: ["WARD-AWS-016"] })).findings.map((f) => f.message);
    };
    expect(await audit(["subnet-a"])).toEqual([
      expect.stringContaining("workloads use it from eu-west-1b (subnets subnet-b)"),
    ]);
    expect(await audit(["subnet-a", "subnet-b"])).toEqual([]);
  });
});
