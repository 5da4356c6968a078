import type {
  CloudRef,
  TransitGateway,
  TransitGatewayAttachment,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
} from "../../model/cloud.js";
import type { CloudBuilder } from "../aws/cloud-builder.js";
import { UnknownValue } from "./hcl-value.js";
import type { Reader, Where } from "./terraform-cloud.js";
import { type ResourceInstance, syntheticId } from "./terraform-module.js";

type Site = { readonly file: string; readonly line: number };
type Table = TransitGatewayRouteTable & {
  tgwId: string;
  associations: string[];
  propagations: string[];
  routes: TransitGatewayRoute[];
};
type Gateway = Omit<TransitGateway, "attachments" | "routeTables"> & {
  defaultAssociation: boolean;
  defaultPropagation: boolean;
  associationTable: string;
  propagationTable: string;
};
type Attachment = TransitGatewayAttachment & {
  tgwId: string;
  defaultAssociation: boolean;
  defaultPropagation: boolean;
};
type Link = { attachment: string; table: string; replace: boolean; site: Site; label: string };

/** The id Ward gives a transit gateway's default route table (its association/propagation_default_route_table_id). */
export function defaultTgwRouteTableId(tgwAddress: string): string {
  return syntheticId(tgwAddress, "default-route-table");
}

export const TRANSIT_GATEWAY_TYPES = new Set([
  "aws_ec2_transit_gateway",
  "aws_ec2_transit_gateway_vpc_attachment",
  "aws_ec2_transit_gateway_route_table",
  "aws_ec2_transit_gateway_route_table_association",
  "aws_ec2_transit_gateway_route_table_propagation",
  "aws_ec2_transit_gateway_route",
  "aws_ec2_transit_gateway_default_route_table_association",
  "aws_ec2_transit_gateway_default_route_table_propagation",
]);

/**
 * Transit gateways, their VPC attachments and route tables (registry.terraform.io/providers/hashicorp/aws: the
 * ec2_transit_gateway* resources). Everything is collected first and resolved in `finish`, so the order of resources
 * in the files does not matter.
 */
export class TerraformTransitGateways {
  private readonly gateways = new Map<string, Gateway>();
  private readonly tables = new Map<string, Table>();
  private readonly attachments: Attachment[] = [];
  private readonly associations: Link[] = [];
  private readonly propagations: Link[] = [];
  private readonly defaults: { tgw: string; table: string; kind: "association" | "propagation"; w: Where }[] = [];
  private readonly routes: { table: string; route: TransitGatewayRoute; w: Where }[] = [];

  constructor(
    private readonly b: CloudBuilder,
    private readonly reader: Reader,
    private readonly ref: (inst: ResourceInstance, line?: number) => CloudRef,
  ) {}

  /** A route table id: a reference to the gateway's default table may reach us as the gateway's unknown attribute. */
  private tableId(w: Where, name: string): string | undefined {
    const raw = this.reader.raw(w, name);
    if (raw instanceof UnknownValue && raw.from?.startsWith("aws_ec2_transit_gateway."))
      return defaultTgwRouteTableId(raw.from);
    const id = this.reader.id(w, name, true);
    return typeof id === "string" ? id : undefined;
  }

  read(inst: ResourceInstance, w: Where): void {
    const r = this.reader;
    switch (inst.type) {
      case "aws_ec2_transit_gateway": {
        // default_route_table_association / _propagation are "enable" unless set to "disable"; with either enabled
        // AWS creates the default route table (EC2 API TransitGatewayOptions).
        const association = r.string(w, "default_route_table_association", false) !== "disable";
        const propagation = r.string(w, "default_route_table_propagation", false) !== "disable";
        const table = defaultTgwRouteTableId(inst.address);
        this.gateways.set(inst.address, {
          id: inst.address,
          associationsKnown: true,
          // Referencing groups across the gateway is off unless enabled on the gateway (EC2 API:
          // TransitGatewayOptions.SecurityGroupReferencingSupport "disabled by default").
          securityGroupReferencing: r.string(w, "security_group_referencing_support", false) === "enable",
          source: this.ref(inst),
          defaultAssociation: association,
          defaultPropagation: propagation,
          associationTable: table,
          propagationTable: table,
        });
        if (association || propagation)
          this.tables.set(table, {
            id: table,
            tgwId: inst.address,
            associations: [],
            propagations: [],
            routes: [],
            routesKnown: true,
            source: { ...this.ref(inst), kind: "default route table of aws_ec2_transit_gateway" },
          });
        return;
      }
      case "aws_ec2_transit_gateway_route_table": {
        const tgw = r.id(w, "transit_gateway_id", true);
        if (typeof tgw !== "string") return;
        this.tables.set(inst.address, {
          id: inst.address,
          tgwId: tgw,
          associations: [],
          propagations: [],
          routes: [],
          routesKnown: true,
          source: this.ref(inst),
        });
        return;
      }
      case "aws_ec2_transit_gateway_vpc_attachment": {
        const tgwId = r.id(w, "transit_gateway_id", true);
        const vpcId = r.id(w, "vpc_id", true);
        if (typeof tgwId !== "string" || typeof vpcId !== "string") return;
        // Subnets Ward cannot evaluate leave the attachment's interfaces (and their NACLs) unknown.
        const subnets = r.stringsOrUnknown(w, "subnet_ids");
        this.attachments.push({
          id: inst.address,
          tgwId,
          vpcId,
          subnetIds: Array.isArray(subnets) ? subnets : [],
          ...(Array.isArray(subnets) ? {} : { subnetsKnown: false }),
          // Both default to true (registry.terraform.io: ec2_transit_gateway_vpc_attachment).
          defaultAssociation: r.bool(w, "transit_gateway_default_route_table_association") !== false,
          defaultPropagation: r.bool(w, "transit_gateway_default_route_table_propagation") !== false,
          // On an attachment the option is "enable" by default (CreateTransitGatewayVpcAttachmentRequestOptions).
          securityGroupReferencing: r.string(w, "security_group_referencing_support", false) !== "disable",
          // "disable" by default (registry.terraform.io: ec2_transit_gateway_vpc_attachment appliance_mode_support).
          ...(r.string(w, "appliance_mode_support", false) === "enable" ? { applianceMode: true } : {}),
          source: this.ref(inst),
        });
        return;
      }
      case "aws_ec2_transit_gateway_route_table_association":
      case "aws_ec2_transit_gateway_route_table_propagation": {
        const attachment = r.id(w, "transit_gateway_attachment_id", true);
        const table = this.tableId(w, "transit_gateway_route_table_id");
        if (typeof attachment !== "string" || table === undefined) return;
        const link: Link = {
          attachment,
          table,
          replace: r.bool(w, "replace_existing_association") === true,
          site: r.site(w, "transit_gateway_attachment_id"),
          label: inst.address,
        };
        (inst.type.endsWith("association") ? this.associations : this.propagations).push(link);
        return;
      }
      case "aws_ec2_transit_gateway_default_route_table_association":
      case "aws_ec2_transit_gateway_default_route_table_propagation": {
        const tgw = r.id(w, "transit_gateway_id", true);
        const table = this.tableId(w, "transit_gateway_route_table_id");
        if (typeof tgw !== "string" || table === undefined) return;
        this.defaults.push({ tgw, table, kind: inst.type.endsWith("association") ? "association" : "propagation", w });
        return;
      }
      case "aws_ec2_transit_gateway_route": {
        const table = this.tableId(w, "transit_gateway_route_table_id");
        if (table === undefined) return;
        const text = r.string(w, "destination_cidr_block", true);
        const destination = typeof text === "string" ? this.b.cidr(text, r.site(w, "destination_cidr_block")) : text;
        if (destination === undefined) return;
        // A blackhole route drops matching traffic; otherwise transit_gateway_attachment_id is its target.
        const blackhole = r.bool(w, "blackhole") === true;
        const target = blackhole ? "blackhole" : r.id(w, "transit_gateway_attachment_id", true);
        if (target === undefined) return;
        this.routes.push({ table, route: { destination, target, source: this.ref(inst) }, w });
        return;
      }
    }
  }

  /** Resolves defaults, associations, propagations and routes; pushes the gateways into the builder. */
  finish(): void {
    const r = this.reader;
    for (const d of this.defaults) {
      const g = this.gateways.get(d.tgw);
      if (!g) {
        r.missing(d.w, "transit_gateway_id", d.tgw, "transit gateway");
        continue;
      }
      if (!this.tables.has(d.table)) {
        r.missing(d.w, "transit_gateway_route_table_id", d.table, "transit gateway route table");
        continue;
      }
      if (d.kind === "association") g.associationTable = d.table;
      else g.propagationTable = d.table;
    }
    const attachments = new Map<string, Attachment>();
    for (const a of this.attachments) {
      const g = this.gateways.get(a.tgwId);
      if (!g) {
        this.b.error(
          "unknown-reference",
          `${a.id}: transit_gateway_id "${a.tgwId}" is not a transit gateway in the files`,
          a.source,
        );
        continue;
      }
      attachments.set(a.id, a);
      // An attachment joins the default association / propagation table only when both the gateway and the
      // attachment enable it (registry.terraform.io: ec2_transit_gateway_vpc_attachment).
      if (g.defaultAssociation && a.defaultAssociation) this.tables.get(g.associationTable)?.associations.push(a.id);
      if (g.defaultPropagation && a.defaultPropagation) this.tables.get(g.propagationTable)?.propagations.push(a.id);
    }
    for (const t of this.tables.values())
      if (!this.gateways.has(t.tgwId))
        this.b.error(
          "unknown-reference",
          `${t.id}: transit_gateway_id "${t.tgwId}" is not a transit gateway in the files`,
          t.source,
        );
    const check = (l: Link, what: string): Table | undefined => {
      const table = this.tables.get(l.table);
      const att = attachments.get(l.attachment);
      if (!table) {
        this.b.error(
          "unknown-reference",
          `${l.label}: transit_gateway_route_table_id "${l.table}" is not a transit gateway route table in the files`,
          l.site,
        );
        return undefined;
      }
      if (!att) {
        this.b.error(
          "unknown-reference",
          `${l.label}: transit_gateway_attachment_id "${l.attachment}" is not a transit gateway VPC attachment in the files`,
          l.site,
        );
        return undefined;
      }
      if (att.tgwId !== table.tgwId) {
        this.b.error(
          "invalid-reference",
          `${l.label}: ${what} of ${att.id} (transit gateway ${att.tgwId}) with a route table of ${table.tgwId}`,
          l.site,
        );
        return undefined;
      }
      return table;
    };
    for (const l of this.associations) {
      const table = check(l, "association");
      if (!table) continue;
      const other = [...this.tables.values()].find((t) => t !== table && t.associations.includes(l.attachment));
      if (other) {
        // An attachment is associated with one route table at most (AWS::EC2::TransitGatewayRouteTableAssociation);
        // replace_existing_association removes the current one first (registry.terraform.io:
        // ec2_transit_gateway_route_table_association), otherwise AWS rejects the second association.
        if (!l.replace) {
          this.b.error(
            "transit-gateway-association-conflict",
            `${l.label}: ${l.attachment} is already associated with ${other.id}${other.id.endsWith(":default-route-table") ? " (the default route table: set transit_gateway_default_route_table_association = false on the attachment)" : ""}; an attachment is associated with one route table at most`,
            l.site,
          );
          continue;
        }
        other.associations.splice(other.associations.indexOf(l.attachment), 1);
      }
      if (!table.associations.includes(l.attachment)) table.associations.push(l.attachment);
    }
    for (const l of this.propagations) {
      const table = check(l, "propagation");
      if (table && !table.propagations.includes(l.attachment)) table.propagations.push(l.attachment);
    }
    for (const { table, route, w } of this.routes) {
      const t = this.tables.get(table);
      if (!t) r.missing(w, "transit_gateway_route_table_id", table, "transit gateway route table");
      else t.routes.push(route);
    }
    for (const g of this.gateways.values()) {
      const {
        defaultAssociation: _a,
        defaultPropagation: _p,
        associationTable: _at,
        propagationTable: _pt,
        ...rest
      } = g;
      this.b.transitGateways.push({
        ...rest,
        attachments: [...attachments.values()]
          .filter((a) => a.tgwId === g.id)
          .map(({ tgwId: _t, defaultAssociation: _da, defaultPropagation: _dp, ...a }) => a),
        routeTables: [...this.tables.values()].filter((t) => t.tgwId === g.id).map(({ tgwId: _t, ...t }) => t),
      });
    }
  }
}
