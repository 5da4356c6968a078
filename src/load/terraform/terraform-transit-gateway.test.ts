import { describe, expect, it } from "vitest";
import { loadTerraform } from "./load-terraform.js";

const BASE = `resource "aws_vpc" "a" {
  cidr_block = "10.1.0.0/16"
}
resource "aws_vpc" "b" {
  cidr_block = "10.2.0.0/16"
}
`;

const attachment = (name: string, extra = "") => `resource "aws_ec2_transit_gateway_vpc_attachment" "${name}" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.${name}.id
  subnet_ids         = []
${extra}}
`;

async function load(text: string) {
  const r = await loadTerraform([{ file: "main.tf", text: BASE + text }], {});
  const tgw = r.cloud.transitGateways[0];
  const tables = Object.fromEntries((tgw?.routeTables ?? []).map((t) => [t.id, t]));
  return { r, tgw, tables };
}

describe("Terraform transit gateway route tables", () => {
  it("attachments join the default table unless the gateway or the attachment disables it", async () => {
    const { r, tables } = await load(`resource "aws_ec2_transit_gateway" "hub" {
  default_route_table_propagation = "disable"
}
${attachment("a")}${attachment("b", "  transit_gateway_default_route_table_association = false\n")}`);
    expect(r.problems).toEqual([]);
    const def = tables["aws_ec2_transit_gateway.hub:default-route-table"];
    expect(def?.associations).toEqual(["aws_ec2_transit_gateway_vpc_attachment.a"]);
    expect(def?.propagations).toEqual([]);
  });

  it("custom tables get their associations, propagations and static routes (the default table by its attribute)", async () => {
    const { r, tables } = await load(`resource "aws_ec2_transit_gateway" "hub" {}
${attachment("a", "  transit_gateway_default_route_table_association = false\n")}${attachment("b")}
resource "aws_ec2_transit_gateway_route_table" "spoke" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}
resource "aws_ec2_transit_gateway_route_table_association" "a" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.a.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spoke.id
}
resource "aws_ec2_transit_gateway_route_table_propagation" "b" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.b.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spoke.id
}
resource "aws_ec2_transit_gateway_route" "drop" {
  destination_cidr_block         = "10.9.0.0/16"
  blackhole                      = true
  transit_gateway_route_table_id = aws_ec2_transit_gateway.hub.association_default_route_table_id
}`);
    expect(r.problems).toEqual([]);
    const spoke = tables["aws_ec2_transit_gateway_route_table.spoke"];
    expect(spoke?.associations).toEqual(["aws_ec2_transit_gateway_vpc_attachment.a"]);
    expect(spoke?.propagations).toEqual(["aws_ec2_transit_gateway_vpc_attachment.b"]);
    const def = tables["aws_ec2_transit_gateway.hub:default-route-table"];
    expect(def?.associations).toEqual(["aws_ec2_transit_gateway_vpc_attachment.b"]);
    expect(def?.routes.map((x) => x.target)).toEqual(["blackhole"]);
  });

  it("replace_existing_association moves the attachment out of the default table", async () => {
    const { r, tables } = await load(`resource "aws_ec2_transit_gateway" "hub" {}
${attachment("a")}
resource "aws_ec2_transit_gateway_route_table" "spoke" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}
resource "aws_ec2_transit_gateway_route_table_association" "a" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.a.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spoke.id
  replace_existing_association   = true
}`);
    expect(r.problems).toEqual([]);
    expect(tables["aws_ec2_transit_gateway.hub:default-route-table"]?.associations).toEqual([]);
    expect(tables["aws_ec2_transit_gateway_route_table.spoke"]?.associations).toEqual([
      "aws_ec2_transit_gateway_vpc_attachment.a",
    ]);
  });

  it("a second association without replace_existing_association is an error at its line", async () => {
    const text = `resource "aws_ec2_transit_gateway" "hub" {}
${attachment("a")}
resource "aws_ec2_transit_gateway_route_table" "spoke" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}
resource "aws_ec2_transit_gateway_route_table_association" "a" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.a.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spoke.id
}`;
    const { r } = await load(text);
    expect(r.problems.map((p) => p.code)).toEqual(["transit-gateway-association-conflict"]);
    const line = (BASE + text).split("\n").findIndex((l) => l.includes("transit_gateway_attachment_id  =")) + 1;
    expect(r.problems[0]?.line).toBe(line);
  });

  it("attachment subnets Ward cannot evaluate are unknown, not an attachment without subnets", async () => {
    const { r, tgw } = await load(`variable "tgw_subnets" {
  type = list(string)
}
resource "aws_ec2_transit_gateway" "hub" {}
resource "aws_ec2_transit_gateway_vpc_attachment" "a" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.a.id
  subnet_ids         = var.tgw_subnets
}`);
    expect(r.problems).toEqual([]);
    expect(tgw?.attachments[0]?.subnetsKnown).toBe(false);
    expect(r.warnings.map((w) => w.code)).toContain("unknown-value");
  });

  it("a route into a table that is not in the files is an unknown reference", async () => {
    const { r } = await load(`resource "aws_ec2_transit_gateway" "hub" {}
resource "aws_ec2_transit_gateway_route" "x" {
  destination_cidr_block         = "10.9.0.0/16"
  blackhole                      = true
  transit_gateway_route_table_id = "tgw-rtb-0123456789abcdef0"
}`);
    expect(r.problems.map((p) => p.code)).toEqual(["unknown-reference"]);
  });
});
