import { describe, expect, it } from "vitest";
import { isUnknown } from "../../model/cloud.js";
import { isTerraformJson, loadTerraformJson } from "./terraform-json.js";

type Res = { address: string; type: string; name: string; index?: number; values: Record<string, unknown> };

const vpc: Res = {
  address: "aws_vpc.main",
  type: "aws_vpc",
  name: "main",
  values: { id: "vpc-1", cidr_block: "10.0.0.0/16", default_network_acl_id: "acl-default", ipv6_cidr_block: "" },
};

function state(resources: Res[], version = "1.0"): string {
  const r = resources.map((x) => ({ mode: "managed", ...x }));
  return JSON.stringify(
    { format_version: version, terraform_version: "1.9.8", values: { root_module: { resources: r } } },
    null,
    2,
  );
}

function load(text: string) {
  return loadTerraformJson([{ file: "show.json", text }]);
}

describe("terraform show -json", () => {
  it("is recognised by format_version and values / planned_values, not by file name", () => {
    expect(isTerraformJson(state([vpc]))).toBe(true);
    expect(isTerraformJson('{"format_version":"1.0","outputs":{}}')).toBe(false);
    expect(isTerraformJson('{"Vpcs":[]}')).toBe(false);
  });

  it("provider ids become the addresses of the resources that own them; empty strings are unset", () => {
    const r = load(
      state([
        vpc,
        {
          address: "aws_subnet.a[0]",
          type: "aws_subnet",
          name: "a",
          index: 0,
          values: { id: "subnet-1", vpc_id: "vpc-1", cidr_block: "10.0.1.0/24", ipv6_cidr_block: "" },
        },
      ]),
    );
    expect(r.problems).toEqual([]);
    const s = r.cloud.subnets[0];
    expect(s?.id).toBe("aws_subnet.a[0]");
    expect(s?.vpcId).toBe("aws_vpc.main");
    expect(s?.source.line).toBeGreaterThan(1);
    expect(s?.source).toMatchObject({ file: "show.json", path: "values.root_module.resources[1]" });
  });

  it("rejects an unsupported major format_version at its line", () => {
    const r = load(state([vpc], "2.0"));
    expect(r.problems).toMatchObject([{ code: "unsupported-format", file: "show.json", line: 2 }]);
  });

  it("a NACL's refreshed entries made by aws_network_acl_rule are read once, from the rule resource", () => {
    const entry = { action: "allow", cidr_block: "10.0.0.0/24", from_port: 443, to_port: 443, protocol: "6" };
    const r = load(
      state([
        vpc,
        {
          address: "aws_network_acl.n",
          type: "aws_network_acl",
          name: "n",
          values: {
            id: "acl-1",
            vpc_id: "vpc-1",
            ingress: [
              { ...entry, rule_no: 100, icmp_code: 0, icmp_type: 0, ipv6_cidr_block: "" },
              { ...entry, rule_no: 200, icmp_code: 0, icmp_type: 0, ipv6_cidr_block: "" },
            ],
            egress: [],
            subnet_ids: [],
          },
        },
        {
          address: "aws_network_acl_rule.r",
          type: "aws_network_acl_rule",
          name: "r",
          values: { ...entry, network_acl_id: "acl-1", egress: false, rule_number: 100, rule_action: "allow" },
        },
      ]),
    );
    expect(r.problems).toEqual([]);
    const rules = r.cloud.nacls.find((n) => n.id === "aws_network_acl.n")?.rules ?? [];
    expect(rules.map((x) => `${x.ruleNumber}:${x.source.kind}`)).toEqual([
      "100:aws_network_acl_rule",
      "200:aws_network_acl",
    ]);
  });

  it("a plan's unknown ids resolve through single configuration references; others stay unknown", () => {
    const plan = {
      format_version: "1.2",
      terraform_version: "1.9.8",
      planned_values: {
        root_module: {
          resources: [
            {
              address: "aws_vpc.main",
              mode: "managed",
              type: "aws_vpc",
              name: "main",
              values: { cidr_block: "10.0.0.0/16" },
            },
            ...[0, 1].map((i) => ({
              address: `aws_subnet.s[${i}]`,
              mode: "managed",
              type: "aws_subnet",
              name: "s",
              index: i,
              values: { cidr_block: `10.0.${i}.0/24` },
            })),
            {
              address: "aws_instance.x[1]",
              mode: "managed",
              type: "aws_instance",
              name: "x",
              index: 1,
              values: { private_ip: "10.0.1.10" },
            },
            {
              address: "aws_instance.y",
              mode: "managed",
              type: "aws_instance",
              name: "y",
              values: {},
            },
          ],
        },
      },
      resource_changes: [
        { address: "aws_vpc.main", change: { after_unknown: { id: true } } },
        { address: "aws_subnet.s[0]", change: { after_unknown: { id: true, vpc_id: true } } },
        { address: "aws_subnet.s[1]", change: { after_unknown: { id: true, vpc_id: true } } },
        { address: "aws_instance.x[1]", change: { after_unknown: { subnet_id: true, vpc_security_group_ids: true } } },
        { address: "aws_instance.y", change: { after_unknown: { subnet_id: true } } },
      ],
      configuration: {
        root_module: {
          resources: [
            { address: "aws_subnet.s", expressions: { vpc_id: { references: ["aws_vpc.main.id", "aws_vpc.main"] } } },
            {
              address: "aws_instance.x",
              expressions: { subnet_id: { references: ["aws_subnet.s[count.index].id", "aws_subnet.s"] } },
            },
            { address: "aws_instance.y", expressions: { subnet_id: { references: ["aws_subnet.s"] } } },
          ],
        },
      },
    };
    const r = load(JSON.stringify(plan, null, 2));
    expect(r.problems).toEqual([]);
    expect(r.cloud.subnets.map((s) => [s.id, s.vpcId, isUnknown(s.cidr) ? "?" : s.cidr.text])).toEqual([
      ["aws_subnet.s[0]", "aws_vpc.main", "10.0.0.0/24"],
      ["aws_subnet.s[1]", "aws_vpc.main", "10.0.1.0/24"],
    ]);
    // x[1] is in s[1] (count.index); y's subnet is one of two: Ward does not guess which.
    expect(r.cloud.interfaces.map((i) => [i.name, i.subnetId])).toEqual([["x[1]", "aws_subnet.s[1]"]]);
    expect(r.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(["unknown-value", "no-subnet"]));
  });
});
