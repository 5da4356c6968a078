import type {
  TransitGatewayAttachment,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
  Unknown,
} from "../../model/cloud.js";
import type { InputText } from "../read-inputs.js";
import type { CloudBuilder } from "./cloud-builder.js";
import type { DescribeFile } from "./describe.js";

type Json = unknown;
type Obj = Record<string, Json>;
const obj = (v: Json): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: Json): Json[] => (Array.isArray(v) ? v : []);
const str = (v: Json): string | undefined => (typeof v === "string" ? v : undefined);

/** First keys of the transit gateway outputs Ward reads (describe-transit-gateways, …, the route table wrapper). */
export const TRANSIT_GATEWAY_KEYS = [
  "TransitGateways",
  "TransitGatewayVpcAttachments",
  "TransitGatewayAttachments",
  "TransitGatewayRouteTables",
  "TransitGatewayRouteTableId",
] as const;

/**
 * Outputs about one route table that do not name it (search-transit-gateway-routes, get-transit-gateway-route-table-
 * associations / -propagations): the table id comes from the file name or a wrapper object.
 */
const PER_TABLE_KEYS = ["Routes", "Associations", "TransitGatewayRouteTablePropagations"] as const;
const TABLE_ID = /tgw-rtb-[0-9a-f]+/;

/** Is this transit gateway output Ward reads? */
export function isTransitGatewayInput(input: InputText): boolean {
  const m = /^\s*\{\s*"([A-Za-z]+)"\s*:/.exec(input.text);
  return (TRANSIT_GATEWAY_KEYS as readonly string[]).includes(m?.[1] ?? "") || isTransitGatewayTableOutput(input);
}

/** Is this one of the per-table outputs (recognised by its first key and a transit gateway attachment inside)? */
export function isTransitGatewayTableOutput(input: InputText): boolean {
  const m = /^\s*\{\s*"([A-Za-z]+)"\s*:/.exec(input.text);
  if (!m || !(PER_TABLE_KEYS as readonly string[]).includes(m[1] ?? "")) return false;
  return TABLE_ID.test(input.file) || /"TransitGatewayAttachment/.test(input.text);
}

type Table = TransitGatewayRouteTable & {
  tgwId: string;
  associations: string[];
  propagations: string[];
  routes: TransitGatewayRoute[];
  routesKnown: boolean;
  associationsRead: boolean;
};

/**
 * `aws ec2 describe-transit-gateways`, `describe-transit-gateway-vpc-attachments`, `describe-transit-gateway-
 * attachments`, `describe-transit-gateway-route-tables`, and per route table `search-transit-gateway-routes` and
 * `get-transit-gateway-route-table-associations` / `-propagations` → transit gateways with their route tables.
 * The per-table outputs carry no route table id: it is taken from a `TransitGatewayRouteTableId` key next to
 * `Routes` / `Associations` / `TransitGatewayRouteTablePropagations`, else from the file name (tgw-rtb-….json).
 */
export function readTransitGateways(b: CloudBuilder, files: readonly DescribeFile[]): void {
  type Gw = { id: string; securityGroupReferencing: boolean; source: TransitGatewayAttachment["source"] };
  const gateways = new Map<string, Gw>();
  const attachments = new Map<string, TransitGatewayAttachment & { tgwId: string; subnetIds: string[] }>();
  /** Attachment → its associated table (null: none), from describe-transit-gateway-attachments. */
  const associated = new Map<string, string | null>();
  const tables = new Map<string, Table>();
  const perTable: { f: DescribeFile; table: string; v: Obj }[] = [];
  const vpcOnly: { id: string; vpcId: string; tgwId: string; f: DescribeFile; i: number }[] = [];

  for (const f of files) {
    const v = f.value;
    arr(v.TransitGateways).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.TransitGatewayId);
      const source = f.ref("TransitGateway", id ?? `TransitGateways[${i}]`, ["TransitGateways", i]);
      if (!id) {
        b.error("missing-field", "transit gateway has no TransitGatewayId", source);
        return;
      }
      if (o.State === "deleted" || o.State === "deleting") {
        b.warn("deleted", `transit gateway ${id} is ${String(o.State)}: it carries no traffic and is left out`, source);
        return;
      }
      // SecurityGroupReferencingSupport is disabled by default (EC2 API TransitGatewayOptions).
      gateways.set(id, {
        id,
        securityGroupReferencing: obj(o.Options).SecurityGroupReferencingSupport === "enable",
        source,
      });
    });
    arr(v.TransitGatewayVpcAttachments).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.TransitGatewayAttachmentId);
      const tgwId = str(o.TransitGatewayId);
      const vpcId = str(o.VpcId);
      const source = f.ref("TransitGatewayVpcAttachment", id ?? `[${i}]`, ["TransitGatewayVpcAttachments", i]);
      if (!id || !tgwId || !vpcId) {
        b.error(
          "missing-field",
          "transit gateway VPC attachment needs TransitGatewayAttachmentId, TransitGatewayId and VpcId",
          source,
        );
        return;
      }
      if (o.State !== undefined && o.State !== "available") {
        b.warn("not-available", `attachment ${id} is ${String(o.State)}, not available: it is left out`, source);
        return;
      }
      attachments.set(id, {
        id,
        tgwId,
        vpcId,
        subnetIds: arr(o.SubnetIds).flatMap((s) => str(s) ?? []),
        // "enable" by default on an attachment (CreateTransitGatewayVpcAttachmentRequestOptions).
        securityGroupReferencing: obj(o.Options).SecurityGroupReferencingSupport !== "disable",
        ...(obj(o.Options).ApplianceModeSupport === "enable" ? { applianceMode: true } : {}),
        source,
      });
    });
    arr(v.TransitGatewayAttachments).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.TransitGatewayAttachmentId);
      if (!id) return;
      const assoc = obj(o.Association);
      const table = str(assoc.TransitGatewayRouteTableId);
      // Only an association in state "associated" routes traffic (associating | associated | disassociating | …).
      associated.set(id, table && assoc.State === "associated" ? table : null);
      const vpcId = str(o.ResourceId);
      const tgwId = str(o.TransitGatewayId);
      if (o.ResourceType === "vpc" && vpcId && tgwId && o.State === "available")
        vpcOnly.push({ id, vpcId, tgwId, f, i });
    });
    arr(v.TransitGatewayRouteTables).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.TransitGatewayRouteTableId);
      const tgwId = str(o.TransitGatewayId);
      const source = f.ref("TransitGatewayRouteTable", id ?? `[${i}]`, ["TransitGatewayRouteTables", i]);
      if (!id || !tgwId) {
        b.error(
          "missing-field",
          "transit gateway route table needs TransitGatewayRouteTableId and TransitGatewayId",
          source,
        );
        return;
      }
      tables.set(id, {
        id,
        tgwId,
        associations: [],
        propagations: [],
        routes: [],
        routesKnown: false,
        associationsRead: false,
        source,
      });
    });
    const first = Object.keys(v)[0];
    if (first === "TransitGatewayRouteTableId" || (PER_TABLE_KEYS as readonly string[]).includes(first ?? "")) {
      const table = str(v.TransitGatewayRouteTableId) ?? TABLE_ID.exec(f.file.split("/").pop() ?? "")?.[0];
      if (!table)
        b.error(
          "missing-route-table-id",
          `${first} output does not name its transit gateway route table: name the file after the table (tgw-rtb-….json) or add "TransitGatewayRouteTableId" next to "${first}"`,
          { file: f.file, line: 1 },
        );
      else perTable.push({ f, table, v });
    }
  }

  // A VPC attachment seen only in describe-transit-gateway-attachments: its subnets are not known.
  for (const { id, vpcId, tgwId, f, i } of vpcOnly) {
    if (attachments.has(id)) continue;
    const source = f.ref("TransitGatewayAttachment", id, ["TransitGatewayAttachments", i]);
    b.warn(
      "incomplete",
      `attachment ${id} of VPC ${vpcId}: its subnets are listed by describe-transit-gateway-vpc-attachments, which is not in the files`,
      source,
    );
    attachments.set(id, {
      id,
      tgwId,
      vpcId,
      subnetIds: [],
      subnetsKnown: false,
      securityGroupReferencing: true,
      source,
    });
  }
  for (const { f, table: id, v } of perTable) {
    const table = tables.get(id);
    if (!table) {
      b.error(
        "unknown-reference",
        `transit gateway route table ${id} is not in describe-transit-gateway-route-tables output`,
        { file: f.file, line: 1 },
      );
      continue;
    }
    if ("Routes" in v) {
      table.routesKnown = v.AdditionalRoutesAvailable !== true;
      // search-transit-gateway-routes returns at most 1000 routes and says when more exist.
      if (v.AdditionalRoutesAvailable === true)
        b.warn(
          "incomplete",
          `search-transit-gateway-routes for ${id} has AdditionalRoutesAvailable: the table's routes are incomplete`,
          { file: f.file, line: f.lineOf(["AdditionalRoutesAvailable"]) },
        );
      arr(v.Routes).forEach((x, i) => {
        const r = readRoute(b, f, obj(x), ["Routes", i], id);
        if (r) table.routes.push(r);
      });
    }
    if ("Associations" in v) {
      table.associationsRead = true;
      for (const a of arr(v.Associations)) {
        const att = str(obj(a).TransitGatewayAttachmentId);
        if (att && obj(a).State === "associated" && !table.associations.includes(att)) table.associations.push(att);
      }
    }
    if ("TransitGatewayRouteTablePropagations" in v)
      for (const p of arr(v.TransitGatewayRouteTablePropagations)) {
        const att = str(obj(p).TransitGatewayAttachmentId);
        // Propagation states: enabling | enabled | disabling | disabled.
        if (att && obj(p).State === "enabled" && !table.propagations.includes(att)) table.propagations.push(att);
      }
  }
  for (const [att, table] of associated) {
    if (table === null) continue;
    const t = tables.get(table);
    if (t && !t.associations.includes(att)) t.associations.push(att);
  }
  for (const a of attachments.values())
    if (!gateways.has(a.tgwId))
      b.error(
        "unknown-reference",
        `attachment ${a.id}: transit gateway ${a.tgwId} is not in describe-transit-gateways output`,
        a.source,
      );
  for (const g of gateways.values()) {
    const own = [...tables.values()].filter((t) => t.tgwId === g.id);
    const atts = [...attachments.values()].filter((a) => a.tgwId === g.id);
    // Which table an attachment uses is known from describe-transit-gateway-attachments, or from the association
    // output of every route table of the gateway.
    const allTables = own.length > 0 && own.every((t) => t.associationsRead);
    const associationsKnown = atts.every((a) => associated.has(a.id) || allTables);
    for (const t of own)
      for (const a of t.associations) {
        const other = own.find((o) => o !== t && o.associations.includes(a));
        if (other)
          b.error(
            "transit-gateway-association-conflict",
            `attachment ${a} is associated with both ${other.id} and ${t.id}; an attachment is associated with one route table at most`,
            t.source,
          );
      }
    b.transitGateways.push({
      ...g,
      associationsKnown,
      attachments: atts.map(({ tgwId: _t, ...a }) => a),
      routeTables: own.map(({ tgwId: _t, associationsRead: _r, ...t }) => t),
    });
  }
}

function readRoute(
  b: CloudBuilder,
  f: DescribeFile,
  r: Obj,
  path: (string | number)[],
  table: string,
): TransitGatewayRoute | undefined {
  const at = f.ref("TransitGatewayRoute", table, path);
  const state = str(r.State);
  // Route states: pending | active | blackhole | deleting | deleted; only active and blackhole routes decide.
  if (state !== "active" && state !== "blackhole") {
    b.warn(
      "not-active",
      `route ${str(r.DestinationCidrBlock) ?? "?"} in ${table} is ${state ?? "without a state"}: left out`,
      at,
    );
    return undefined;
  }
  const text = str(r.DestinationCidrBlock);
  const pl = str(r.PrefixListId);
  let destination: TransitGatewayRoute["destination"] | undefined;
  if (text) destination = b.cidr(text, at);
  else if (pl) {
    destination = { unknown: `prefix list ${pl} (Ward does not read transit gateway prefix list references)` };
    b.warn("unknown-value", `route to prefix list ${pl} in ${table} cannot be evaluated`, at);
  } else b.error("missing-field", `route in ${table} has no DestinationCidrBlock or PrefixListId`, at);
  if (destination === undefined) return undefined;
  const targets = [
    ...new Set(arr(r.TransitGatewayAttachments).flatMap((a) => str(obj(a).TransitGatewayAttachmentId) ?? [])),
  ];
  let target: string | Unknown;
  if (state === "blackhole") target = "blackhole";
  else if (targets.length === 1) target = targets[0] as string;
  else target = { unknown: `${targets.length} attachments (equal-cost routes): Ward does not choose between them` };
  return { destination, target, ...(r.Type === "propagated" ? { propagated: true } : {}), source: at };
}
