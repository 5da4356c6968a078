import { describe, expect, it } from "vitest";
import { parseCidr } from "../../model/cidr.js";
import {
  type CloudModel,
  emptyCloud,
  type Subnet,
  type TransitGateway,
  type TransitGatewayRouteTable,
} from "../../model/cloud.js";
import { rangesOf } from "./ranges.js";
import { attachmentSubnet, routeInTransitGateway } from "./transit-gateway.js";

const ref = (name: string) => ({ kind: "test", name, file: "t.tf", line: 1 });
const vpc = (id: string, cidr: string) => ({ id, cidrs: [parseCidr(cidr)], source: ref(id) });
const att = (id: string, vpcId: string, subnetIds: string[] = []) => ({
  id,
  vpcId,
  subnetIds,
  securityGroupReferencing: true,
  source: ref(id),
});
const subnet = (id: string, vpcId: string, cidr: string, az?: string): Subnet => ({
  id,
  name: id,
  vpcId,
  cidr: parseCidr(cidr),
  mapPublicIp: false,
  ...(az ? { availabilityZone: az } : {}),
  source: ref(id),
});

function model(tables: TransitGatewayRouteTable[], extra: Partial<TransitGateway> = {}): CloudModel {
  const tgw: TransitGateway = {
    id: "tgw",
    attachments: [att("a", "vpc-a"), att("b", "vpc-b"), att("c", "vpc-c")],
    routeTables: tables,
    associationsKnown: true,
    securityGroupReferencing: false,
    source: ref("tgw"),
    ...extra,
  };
  return {
    ...emptyCloud(),
    vpcs: [vpc("vpc-a", "10.1.0.0/16"), vpc("vpc-b", "10.2.0.0/16"), vpc("vpc-c", "10.2.128.0/17")],
    transitGateways: [tgw],
  };
}

const table = (over: Partial<TransitGatewayRouteTable>): TransitGatewayRouteTable => ({
  id: "rt",
  associations: ["a"],
  propagations: [],
  routes: [],
  routesKnown: true,
  source: ref("rt"),
  ...over,
});

function route(cloud: CloudModel, to: string, towards: string) {
  const tgw = cloud.transitGateways[0] as TransitGateway;
  return routeInTransitGateway(cloud, tgw, "vpc-a", rangesOf(parseCidr(to)), towards);
}

describe("transit gateway route tables", () => {
  it("the table the source attachment is associated with decides, not another table with a route", () => {
    const cloud = model([
      table({ id: "rt-a", associations: ["a"] }),
      table({ id: "rt-x", associations: [], propagations: ["b"] }),
    ]);
    const d = route(cloud, "10.2.0.10/32", "vpc-b");
    expect(d.status).toBe("deny");
    expect(d.table?.id).toBe("rt-a");
  });

  it("propagations install the attachment's VPC CIDR blocks", () => {
    const d = route(model([table({ propagations: ["b"] })]), "10.2.0.10/32", "vpc-b");
    expect(d.status).toBe("allow");
    expect(d.to?.id).toBe("b");
    expect(d.why).toContain("propagated route 10.2.0.0/16");
  });

  it("the longest prefix wins: a propagated /17 over a static /16 to another attachment", () => {
    const cloud = model([
      table({
        propagations: ["c"],
        routes: [{ destination: parseCidr("10.2.0.0/16"), target: "b", source: ref("static") }],
      }),
    ]);
    expect(route(cloud, "10.2.200.1/32", "vpc-c").to?.id).toBe("c");
    expect(route(cloud, "10.2.1.1/32", "vpc-b").to?.id).toBe("b");
  });

  it("for the same prefix a static route wins over a propagated one (a static blackhole drops)", () => {
    const cloud = model([
      table({
        propagations: ["b"],
        routes: [{ destination: parseCidr("10.2.0.0/16"), target: "blackhole", source: ref("static") }],
      }),
    ]);
    const d = route(cloud, "10.2.0.10/32", "vpc-b");
    expect(d.status).toBe("deny");
    expect(d.why).toContain("static route 10.2.0.0/16 is a blackhole");
  });

  it("a propagated route listed by search-transit-gateway-routes loses to a static one of the same prefix", () => {
    const cloud = model([
      table({
        routes: [
          { destination: parseCidr("10.2.0.0/16"), target: "b", propagated: true, source: ref("p") },
          { destination: parseCidr("10.2.0.0/16"), target: "c", source: ref("s") },
        ],
      }),
    ]);
    expect(route(cloud, "10.2.0.10/32", "vpc-c").to?.id).toBe("c");
  });

  it("two routes of the same kind for the same prefix to different attachments: unknown, not a guess", () => {
    const cloud = model([
      table({
        routes: [
          { destination: parseCidr("10.2.0.0/16"), target: "b", propagated: true, source: ref("p1") },
          { destination: parseCidr("10.2.0.0/16"), target: "c", propagated: true, source: ref("p2") },
        ],
      }),
    ]);
    expect(route(cloud, "10.2.0.10/32", "vpc-b").status).toBe("unknown");
  });

  it("an attachment with no associated table has no routes: dropped", () => {
    const d = route(model([table({ associations: [], propagations: ["b"] })]), "10.2.0.10/32", "vpc-b");
    expect(d.status).toBe("deny");
    expect(d.why).toContain("not associated with any route table");
  });

  it("unknown associations or unknown routes are unknown, never guessed", () => {
    expect(
      route(model([table({ propagations: ["b"] })], { associationsKnown: false }), "10.2.0.1/32", "vpc-b").status,
    ).toBe("unknown");
    expect(route(model([table({ propagations: ["b"], routesKnown: false })]), "10.2.0.1/32", "vpc-b").status).toBe(
      "unknown",
    );
  });

  it("a route to an attachment of another VPC than the destination's is denied", () => {
    const d = route(model([table({ propagations: ["b"] })]), "10.2.0.10/32", "vpc-c");
    expect(d.status).toBe("deny");
  });
});

describe("attachment subnets (Availability Zones)", () => {
  const cloudWith = (subnets: Subnet[]): CloudModel => ({ ...emptyCloud(), subnets });
  const app = subnet("app", "vpc-a", "10.1.1.0/24", "az1");
  const tgwA = subnet("tgw-a", "vpc-a", "10.1.255.0/28", "az1");
  const tgwB = subnet("tgw-b", "vpc-a", "10.1.255.16/28", "az2");

  it("leaving a VPC: the attachment subnet in the source subnet's zone", () => {
    const r = attachmentSubnet(cloudWith([app, tgwA, tgwB]), att("a", "vpc-a", ["tgw-b", "tgw-a"]), app, true);
    expect(r.kind === "subnet" && r.subnet.id).toBe("tgw-a");
  });

  it("leaving a VPC from a zone the attachment has no subnet in: not forwarded to the gateway", () => {
    const r = attachmentSubnet(cloudWith([app, tgwB]), att("a", "vpc-a", ["tgw-b"]), app, true);
    expect(r.kind).toBe("none");
  });

  it("entering a VPC through an attachment with one subnet: that subnet, whatever its zone", () => {
    const r = attachmentSubnet(cloudWith([app, tgwB]), att("a", "vpc-a", ["tgw-b"]), app, false);
    expect(r.kind === "subnet" && r.subnet.id).toBe("tgw-b");
  });

  it("in appliance mode the gateway picks any interface: unknown when their network ACLs differ", () => {
    const nacl = (id: string, subnetIds: string[]) => ({
      id,
      vpcId: "vpc-a",
      isDefault: false,
      subnetIds,
      rules: [],
      source: ref(id),
    });
    const cloud: CloudModel = {
      ...cloudWith([app, tgwA, tgwB]),
      nacls: [nacl("n1", ["tgw-a"]), nacl("n2", ["tgw-b"])],
    };
    const plain = att("a", "vpc-a", ["tgw-a", "tgw-b"]);
    const normal = attachmentSubnet(cloud, plain, app, false);
    expect(normal.kind === "subnet" && normal.subnet.id).toBe("tgw-a");
    expect(attachmentSubnet(cloud, { ...plain, applianceMode: true }, app, false).kind).toBe("unknown");
    const shared: CloudModel = { ...cloud, nacls: [nacl("n1", ["tgw-a", "tgw-b"])] };
    expect(attachmentSubnet(shared, { ...plain, applianceMode: true }, app, false).kind).toBe("subnet");
  });

  it("a zone not in the files makes the subnet unknown; the source subnet itself is always its own zone", () => {
    const noZone = subnet("app", "vpc-a", "10.1.1.0/24");
    expect(attachmentSubnet(cloudWith([noZone, tgwA]), att("a", "vpc-a", ["tgw-a"]), noZone, true).kind).toBe(
      "unknown",
    );
    const self = attachmentSubnet(cloudWith([noZone]), att("a", "vpc-a", ["app"]), noZone, true);
    expect(self.kind === "subnet" && self.subnet.id).toBe("app");
  });
});
