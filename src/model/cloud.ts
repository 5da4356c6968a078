import type { Cidr } from "./cidr.js";
import type { LbListener, TargetGroup } from "./cloud-lb.js";
import type { SourceRef } from "./source-ref.js";

/**
 * The cloud layer (AWS VPC networking) reduced from Terraform HCL, `terraform show -json` or `aws ec2 describe-*`
 * output. Every id is the provider's id when known (describe output) or the Terraform address otherwise
 * ("aws_subnet.data[1]"); evaluation never looks at which format an object came from.
 */
export type CloudModel = {
  readonly vpcs: readonly Vpc[];
  readonly subnets: readonly Subnet[];
  readonly routeTables: readonly RouteTable[];
  readonly securityGroups: readonly SecurityGroup[];
  readonly nacls: readonly Nacl[];
  readonly interfaces: readonly NetworkInterface[];
  readonly gateways: readonly Gateway[];
  readonly prefixLists: readonly PrefixList[];
  readonly firewalls: readonly NetworkFirewall[];
  /** WAF web ACLs associated with a resource (a load balancer): an edge control in front of it. */
  readonly webAcls: readonly WebAclAssociation[];
  /**
   * False when the inputs cannot state WAF associations (describe-* output carries none): an absent association
   * then means "not known", not "none".
   */
  readonly webAclsKnown?: boolean;
  /** VPC peering connections (route target type "peering"). */
  readonly peerings: readonly VpcPeering[];
  /** VPC flow logs (aws_flow_log, describe-flow-logs): which VPCs, subnets and interfaces have traffic logged. */
  readonly flowLogs?: readonly FlowLog[];
  /** Transit gateways with their VPC attachments and route tables (route target type "transit-gateway"). */
  readonly transitGateways: readonly TransitGateway[];
  /** Load balancer listeners (ELBv2); absent when the inputs have none: which ports an LB accepts is then unknown. */
  readonly listeners?: readonly LbListener[];
  /** Target groups with their registered targets (ELBv2). */
  readonly targetGroups?: readonly TargetGroup[];
};

/** Where a cloud object or rule was read: file:line, plus the JSON path for describe output. */
export type CloudRef = SourceRef & { readonly path?: string };

/** A value that could not be evaluated from the files (an unset variable, a computed attribute, a data source). */
export type Unknown = { readonly unknown: string };

export function isUnknown(v: unknown): v is Unknown {
  return typeof v === "object" && v !== null && "unknown" in v;
}

export type Vpc = {
  readonly id: string;
  readonly cidrs: readonly Cidr[];
  /** Its tags (Name, Environment, …) when the files state them. */
  readonly tags?: Readonly<Record<string, string>>;
  /** False when the inputs cannot state its flow logs (describe output without describe-flow-logs). */
  readonly flowLogsKnown?: boolean;
  readonly source: CloudRef;
};

export type Subnet = {
  readonly id: string;
  readonly name: string;
  readonly vpcId: string;
  readonly cidr: Cidr | Unknown;
  readonly ipv6Cidr?: Cidr;
  /** map_public_ip_on_launch / MapPublicIpOnLaunch. */
  readonly mapPublicIp: boolean;
  /** Its Availability Zone name (eu-west-1a) and/or id (euw1-az1); neither when the files do not say (AWS picks). */
  readonly availabilityZone?: string;
  readonly availabilityZoneId?: string;
  readonly source: CloudRef;
};

export type RouteTarget =
  | { readonly type: "local" }
  | {
      readonly type:
        | "internet-gateway"
        | "egress-only-internet-gateway"
        | "nat-gateway"
        | "vpc-endpoint"
        | "firewall-endpoint"
        | "peering"
        | "transit-gateway"
        | "network-interface"
        | "instance"
        | "virtual-private-gateway";
      readonly id: string;
    }
  | { readonly type: "blackhole" };

export type Route = {
  /** A CIDR, a managed prefix list id, or an unknown value. */
  readonly destination: Cidr | { readonly prefixList: string } | Unknown;
  readonly target: RouteTarget | Unknown;
  readonly source: CloudRef;
};

export type RouteTable = {
  readonly id: string;
  readonly vpcId: string;
  readonly main: boolean;
  readonly routes: readonly Route[];
  readonly subnetIds: readonly string[];
  /** Edge association (gateway route table for an internet gateway): not evaluated, kept for the record. */
  readonly gatewayIds: readonly string[];
  readonly source: CloudRef;
};

/** A protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6) or "all" (-1). */
export type IpProtocol = number | "all";

export type SgPeer =
  | { readonly type: "cidr"; readonly cidr: Cidr }
  | { readonly type: "security-group"; readonly id: string }
  | { readonly type: "prefix-list"; readonly id: string };

export type SgRule = {
  readonly direction: "ingress" | "egress";
  readonly protocol: IpProtocol;
  /** Port range for TCP/UDP; ICMP type (from) and code (to), -1 = any. Ignored for "all". */
  readonly fromPort: number;
  readonly toPort: number;
  readonly peer: SgPeer | Unknown;
  readonly description?: string | Unknown;
  readonly source: CloudRef;
};

export type SecurityGroup = {
  readonly id: string;
  readonly name: string;
  readonly vpcId: string;
  readonly rules: readonly SgRule[];
  /** GroupDescription as AWS stores it (Terraform's default is "Managed by Terraform"); unset when not known. */
  readonly description?: string | Unknown;
  readonly source: CloudRef;
};

export type NaclRule = {
  readonly direction: "ingress" | "egress";
  readonly ruleNumber: number;
  readonly action: "allow" | "deny";
  readonly protocol: IpProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  readonly cidr: Cidr | Unknown;
  readonly source: CloudRef;
};

export type Nacl = {
  readonly id: string;
  readonly vpcId: string;
  /** The VPC's default NACL: applies to subnets with no explicit association. */
  readonly isDefault: boolean;
  readonly subnetIds: readonly string[];
  readonly rules: readonly NaclRule[];
  readonly source: CloudRef;
};

export type InterfaceKind =
  | "instance"
  | "network-interface"
  | "load-balancer"
  | "database"
  | "node-group"
  | "vpc-endpoint"
  | "nat-gateway";

/** A network interface (or a resource that owns one per subnet: a load balancer, a database, a node group). */
export type NetworkInterface = {
  readonly id: string;
  /** The name users type: the Name tag, or the Terraform resource name. */
  readonly name: string;
  /** Tier for the matrix: the Tier tag, else the name without its index. */
  readonly tier: string;
  readonly kind: InterfaceKind;
  readonly subnetId: string;
  /** A known private address, else the interface is somewhere in its subnet. */
  readonly privateIp?: Cidr;
  /** A public IPv4 address (or an EIP), or true when one is assigned but its value is not in the files. */
  readonly publicIp: boolean;
  /**
   * IPv6 addresses (globally routable): the known ones, "assigned" when AWS assigns them from the subnet at launch, or
   * Unknown when the files cannot say whether it has one.
   */
  readonly ipv6?: readonly Cidr[] | "assigned" | Unknown;
  readonly securityGroupIds: readonly string[];
  /** An internet-facing load balancer (its nodes have public IPs). */
  readonly internetFacing?: boolean;
  /** A network load balancer without security groups: security groups do not filter its traffic. */
  readonly noSecurityGroups?: boolean;
  /** Its security groups are not in the files (e.g. created by AWS): the security-group hop is unknown. */
  readonly unknownSecurityGroups?: string;
  /** Its IAM role has AmazonSSMManagedInstanceCore: it is managed through Systems Manager (Session Manager). */
  readonly sessionManager?: boolean;
  readonly source: CloudRef;
};

export type Gateway = {
  readonly id: string;
  readonly type: "internet-gateway" | "egress-only-internet-gateway" | "nat-gateway" | "vpc-endpoint";
  readonly vpcId?: string;
  /** NAT gateway: its subnet; public NAT needs an EIP. */
  readonly subnetId?: string;
  readonly public?: boolean;
  /** VPC endpoint: Gateway or Interface, and the service name (com.amazonaws.region.s3). */
  readonly endpointType?: "Gateway" | "Interface" | "GatewayLoadBalancer";
  readonly serviceName?: string;
  readonly routeTableIds?: readonly string[];
  /** Interface endpoint: the subnets it has a network interface in. */
  readonly subnetIds?: readonly string[];
  readonly source: CloudRef;
};

/** A VPC flow log on a VPC, a subnet or a network interface (ResourceId / vpc_id, subnet_id, eni_id). */
export type FlowLog = {
  readonly id: string;
  readonly resourceType: "vpc" | "subnet" | "network-interface" | "transit-gateway" | "transit-gateway-attachment";
  readonly resourceId: string;
  /** ACCEPT, REJECT or ALL; unset when not known. */
  readonly trafficType?: string;
  readonly source: CloudRef;
};

export type PrefixList = { readonly id: string; readonly name: string; readonly cidrs: readonly Cidr[] };

export type DomainRule = {
  readonly action: "ALLOWLIST" | "DENYLIST";
  readonly targetTypes: readonly ("TLS_SNI" | "HTTP_HOST")[];
  /** ".example.com" matches the domain and its sub-domains; "example.com" only itself. */
  readonly targets: readonly string[];
  readonly source: CloudRef;
};

export type NetworkFirewall = {
  readonly id: string;
  readonly name: string;
  readonly vpcId: string;
  /** The subnets its endpoints live in. */
  readonly subnetIds: readonly string[];
  readonly domainRules: readonly DomainRule[];
  readonly source: CloudRef;
};

/** A VPC peering connection: traffic flows only when it is active (accepted) and both VPCs route through it. */
export type VpcPeering = {
  readonly id: string;
  readonly requesterVpcId: string;
  readonly accepterVpcId: string;
  /** Accepted (status active / auto_accept); a pending connection carries no traffic. */
  readonly active: boolean;
  readonly source: CloudRef;
};

export type TransitGatewayAttachment = {
  readonly id: string;
  readonly vpcId: string;
  /** The subnets the gateway's interfaces are in (one per Availability Zone). */
  readonly subnetIds: readonly string[];
  /** False when the inputs do not list its subnets (describe-transit-gateway-attachments without the VPC view). */
  readonly subnetsKnown?: boolean;
  /** appliance_mode_support / ApplianceModeSupport "enable": the gateway picks one of its interfaces per flow. */
  readonly applianceMode?: boolean;
  /** security_group_referencing_support of the attachment ("enable" by default). */
  readonly securityGroupReferencing: boolean;
  readonly source: CloudRef;
};

export type TransitGatewayRoute = {
  readonly destination: Cidr | Unknown;
  /** The attachment traffic goes to, or "blackhole" (dropped). */
  readonly target: string | "blackhole" | Unknown;
  /** A propagated route as listed by search-transit-gateway-routes; otherwise a static route. */
  readonly propagated?: boolean;
  readonly source: CloudRef;
};

/**
 * A transit gateway route table: the table an attachment is associated with decides where traffic entering the
 * gateway from that attachment goes; propagations install the attachments' VPC CIDR blocks as routes.
 */
export type TransitGatewayRouteTable = {
  readonly id: string;
  /** Attachments associated with this table (an attachment is associated with at most one table). */
  readonly associations: readonly string[];
  /** Attachments whose VPC CIDR blocks are propagated into this table. */
  readonly propagations: readonly string[];
  readonly routes: readonly TransitGatewayRoute[];
  /** False when the table's routes are not in the files (describe output without search-transit-gateway-routes). */
  readonly routesKnown: boolean;
  readonly source: CloudRef;
};

export type TransitGateway = {
  readonly id: string;
  readonly attachments: readonly TransitGatewayAttachment[];
  readonly routeTables: readonly TransitGatewayRouteTable[];
  /** False when the inputs do not say which table each attachment is associated with. */
  readonly associationsKnown: boolean;
  /** security_group_referencing_support of the gateway ("disable" by default). */
  readonly securityGroupReferencing: boolean;
  readonly source: CloudRef;
};

export type WebAclAssociation = { readonly resourceId: string; readonly webAcl: string; readonly source: CloudRef };

export function emptyCloud(): CloudModel {
  return {
    vpcs: [],
    subnets: [],
    routeTables: [],
    securityGroups: [],
    nacls: [],
    interfaces: [],
    gateways: [],
    prefixLists: [],
    firewalls: [],
    webAcls: [],
    peerings: [],
    transitGateways: [],
  };
}

export function mergeCloud(a: CloudModel, b: CloudModel): CloudModel {
  return {
    vpcs: [...a.vpcs, ...b.vpcs],
    subnets: [...a.subnets, ...b.subnets],
    routeTables: [...a.routeTables, ...b.routeTables],
    securityGroups: [...a.securityGroups, ...b.securityGroups],
    nacls: [...a.nacls, ...b.nacls],
    interfaces: [...a.interfaces, ...b.interfaces],
    gateways: [...a.gateways, ...b.gateways],
    prefixLists: [...a.prefixLists, ...b.prefixLists],
    firewalls: [...a.firewalls, ...b.firewalls],
    webAcls: [...a.webAcls, ...b.webAcls],
    webAclsKnown: a.webAclsKnown !== false && b.webAclsKnown !== false,
    peerings: [...a.peerings, ...b.peerings],
    flowLogs: [...(a.flowLogs ?? []), ...(b.flowLogs ?? [])],
    transitGateways: [...a.transitGateways, ...b.transitGateways],
    ...(a.listeners || b.listeners ? { listeners: [...(a.listeners ?? []), ...(b.listeners ?? [])] } : {}),
    ...(a.targetGroups || b.targetGroups
      ? { targetGroups: [...(a.targetGroups ?? []), ...(b.targetGroups ?? [])] }
      : {}),
  };
}
