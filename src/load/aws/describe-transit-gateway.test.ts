import { describe, expect, it } from "vitest";
import { loadDescribe } from "./describe.js";

const TGW = {
  TransitGateways: [
    {
      TransitGatewayId: "tgw-0f1e2d3c4b5a69780",
      State: "available",
      Options: { DefaultRouteTableAssociation: "enable", SecurityGroupReferencingSupport: "disable" },
    },
  ],
};
const ATTACHMENTS = {
  TransitGatewayVpcAttachments: [
    {
      TransitGatewayAttachmentId: "tgw-attach-0a",
      TransitGatewayId: "tgw-0f1e2d3c4b5a69780",
      VpcId: "vpc-0a",
      State: "available",
      SubnetIds: ["subnet-0a"],
      Options: { SecurityGroupReferencingSupport: "enable" },
    },
  ],
};
const TABLES = {
  TransitGatewayRouteTables: [
    { TransitGatewayRouteTableId: "tgw-rtb-0aa", TransitGatewayId: "tgw-0f1e2d3c4b5a69780", State: "available" },
  ],
};
const json = (v: unknown) => JSON.stringify(v, null, 2);

function load(files: Record<string, unknown>) {
  const b = loadDescribe(Object.entries(files).map(([file, v]) => ({ file, text: json(v) })));
  return { b, tgw: b.finish().transitGateways[0] };
}

describe("transit gateways from aws ec2 describe output", () => {
  it("search-transit-gateway-routes named after the table: static, propagated and blackhole routes", () => {
    const { b, tgw } = load({
      "tgws.json": TGW,
      "atts.json": ATTACHMENTS,
      "tables.json": TABLES,
      "routes.tgw-rtb-0aa.json": {
        Routes: [
          {
            DestinationCidrBlock: "10.1.0.0/16",
            TransitGatewayAttachments: [{ TransitGatewayAttachmentId: "tgw-attach-0a", ResourceType: "vpc" }],
            Type: "propagated",
            State: "active",
          },
          { DestinationCidrBlock: "10.9.0.0/16", Type: "static", State: "blackhole" },
          { DestinationCidrBlock: "10.8.0.0/16", Type: "static", State: "deleted" },
        ],
        AdditionalRoutesAvailable: false,
      },
    });
    expect(b.problems).toEqual([]);
    const t = tgw?.routeTables[0];
    expect(t?.routesKnown).toBe(true);
    expect(t?.routes.map((r) => [r.target, r.propagated === true])).toEqual([
      ["tgw-attach-0a", true],
      ["blackhole", false],
    ]);
    expect(b.warnings.map((w) => w.code)).toContain("not-active");
    expect(t?.routes[0]?.source.path).toBe("Routes[0]");
  });

  it("without describe-transit-gateway-attachments or per-table associations, associations are unknown", () => {
    const { tgw } = load({ "tgws.json": TGW, "atts.json": ATTACHMENTS, "tables.json": TABLES });
    expect(tgw?.associationsKnown).toBe(false);
    expect(tgw?.routeTables[0]?.routesKnown).toBe(false);
  });

  it("Association of describe-transit-gateway-attachments, or the wrapper of get-…-associations, associates", () => {
    const viaAttachments = load({
      "tgws.json": TGW,
      "atts.json": ATTACHMENTS,
      "tables.json": TABLES,
      "all.json": {
        TransitGatewayAttachments: [
          {
            TransitGatewayAttachmentId: "tgw-attach-0a",
            TransitGatewayId: "tgw-0f1e2d3c4b5a69780",
            ResourceType: "vpc",
            ResourceId: "vpc-0a",
            State: "available",
            Association: { TransitGatewayRouteTableId: "tgw-rtb-0aa", State: "associated" },
          },
        ],
      },
    });
    expect(viaAttachments.tgw?.associationsKnown).toBe(true);
    expect(viaAttachments.tgw?.routeTables[0]?.associations).toEqual(["tgw-attach-0a"]);
    const viaWrapper = load({
      "tgws.json": TGW,
      "atts.json": ATTACHMENTS,
      "tables.json": TABLES,
      "assoc.json": {
        TransitGatewayRouteTableId: "tgw-rtb-0aa",
        Associations: [{ TransitGatewayAttachmentId: "tgw-attach-0a", ResourceType: "vpc", State: "associated" }],
      },
    });
    expect(viaWrapper.tgw?.associationsKnown).toBe(true);
    expect(viaWrapper.tgw?.routeTables[0]?.associations).toEqual(["tgw-attach-0a"]);
  });

  it("AdditionalRoutesAvailable: the table's routes are incomplete, hence unknown", () => {
    const { tgw, b } = load({
      "tgws.json": TGW,
      "atts.json": ATTACHMENTS,
      "tables.json": TABLES,
      "x.json": { TransitGatewayRouteTableId: "tgw-rtb-0aa", Routes: [], AdditionalRoutesAvailable: true },
    });
    expect(tgw?.routeTables[0]?.routesKnown).toBe(false);
    expect(b.warnings.map((w) => w.code)).toContain("incomplete");
  });

  it("an attachment of a gateway that is not in the files is an error with its JSON path", () => {
    const { b } = load({ "atts.json": ATTACHMENTS });
    expect(b.problems.map((p) => [p.code, p.path])).toEqual([["unknown-reference", "TransitGatewayVpcAttachments[0]"]]);
  });
});
