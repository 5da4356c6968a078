import { describe, expect, it } from "vitest";
import { loadTerraformJson } from "./terraform-json.js";

type Res = { address: string; type: string; name: string; values: Record<string, unknown> };

function state(resources: Res[]): string {
  const r = resources.map((x) => ({ mode: "managed", ...x }));
  return JSON.stringify({ format_version: "1.0", values: { root_module: { resources: r } } }, null, 2);
}

const res = (type: string, name: string, values: Record<string, unknown>): Res => ({
  address: `${type}.${name}`,
  type,
  name,
  values,
});

describe("terraform show -json: transit gateway route tables", () => {
  it("provider ids of the gateway's default table, custom tables, associations, propagations and routes resolve", () => {
    const r = loadTerraformJson([
      {
        file: "show.json",
        text: state([
          res("aws_vpc", "a", { id: "vpc-1", cidr_block: "10.1.0.0/16" }),
          res("aws_ec2_transit_gateway", "hub", {
            id: "tgw-1",
            default_route_table_association: "enable",
            default_route_table_propagation: "enable",
            association_default_route_table_id: "tgw-rtb-default",
            propagation_default_route_table_id: "tgw-rtb-default",
          }),
          res("aws_ec2_transit_gateway_vpc_attachment", "a", {
            id: "tgw-attach-1",
            transit_gateway_id: "tgw-1",
            vpc_id: "vpc-1",
            subnet_ids: [],
            transit_gateway_default_route_table_association: false,
            transit_gateway_default_route_table_propagation: true,
          }),
          res("aws_ec2_transit_gateway_route_table", "spoke", { id: "tgw-rtb-spoke", transit_gateway_id: "tgw-1" }),
          res("aws_ec2_transit_gateway_route_table_association", "a", {
            id: "tgw-rtb-spoke_tgw-attach-1",
            transit_gateway_attachment_id: "tgw-attach-1",
            transit_gateway_route_table_id: "tgw-rtb-spoke",
            replace_existing_association: false,
          }),
          res("aws_ec2_transit_gateway_route", "drop", {
            id: "tgw-rtb-default_10.9.0.0/16",
            destination_cidr_block: "10.9.0.0/16",
            blackhole: true,
            transit_gateway_route_table_id: "tgw-rtb-default",
          }),
        ]),
      },
    ]);
    expect(r.problems).toEqual([]);
    const tables = Object.fromEntries((r.cloud.transitGateways[0]?.routeTables ?? []).map((t) => [t.id, t]));
    expect(tables["aws_ec2_transit_gateway_route_table.spoke"]?.associations).toEqual([
      "aws_ec2_transit_gateway_vpc_attachment.a",
    ]);
    const def = tables["aws_ec2_transit_gateway.hub:default-route-table"];
    expect(def?.associations).toEqual([]);
    expect(def?.propagations).toEqual(["aws_ec2_transit_gateway_vpc_attachment.a"]);
    expect(def?.routes.map((x) => x.target)).toEqual(["blackhole"]);
  });
});
