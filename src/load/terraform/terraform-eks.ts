import type { CloudRef, NetworkInterface } from "../../model/cloud.js";
import type { CloudBuilder } from "../aws/cloud-builder.js";
import type { Reader, Where } from "./terraform-cloud.js";
import type { ResourceInstance, TerraformModule } from "./terraform-module.js";

type Nested = Pick<TerraformModule, "nested">;

export const EKS_TYPES = new Set(["aws_eks_cluster", "aws_eks_node_group", "aws_launch_template"]);

// docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html: EKS creates eks-cluster-sg-<cluster>-<id> (inbound
// all from itself, outbound all) and attaches it to the cluster's network interfaces and to managed nodes; its rules
// can be changed outside Terraform, so Ward does not assume them.
const CLUSTER_SG = "the EKS cluster security group (created by AWS, not in the files)";

type NodeGroup = {
  inst: ResourceInstance;
  w: Where;
  name: string;
  tier: string;
  subnets: string[];
  cluster: string | undefined;
  launchTemplate: string | undefined;
  remoteAccess: { sources: string[]; key: boolean } | undefined;
};

/**
 * EKS clusters (their control-plane network interfaces) and managed node groups, with the security groups AWS
 * gives them (registry.terraform.io/providers/hashicorp/aws: eks_cluster, eks_node_group, launch_template).
 */
export class TerraformEks {
  private readonly templates = new Map<string, string[]>();
  private readonly groups: NodeGroup[] = [];

  constructor(
    private readonly b: CloudBuilder,
    private readonly reader: Reader,
    private readonly module: Nested,
    private readonly ref: (inst: ResourceInstance, line?: number) => CloudRef,
  ) {}

  read(inst: ResourceInstance, w: Where, nameTag: string | undefined, tierTag: string | undefined): void {
    const short = inst.address.slice(inst.type.length + 1);
    if (inst.type === "aws_launch_template") {
      // Instance-level groups, or the groups of its (single) network interface: EKS allows one or the other.
      const sgs = [...this.reader.ids(w, "vpc_security_group_ids")];
      for (const ni of this.module.nested(inst.block, inst.scope, "network_interfaces"))
        sgs.push(
          ...this.reader.ids(
            { block: ni.block, scope: ni.scope, label: `${inst.address} network_interfaces` },
            "security_groups",
          ),
        );
      this.templates.set(inst.address, sgs);
      return;
    }
    if (inst.type === "aws_eks_cluster") {
      for (const vc of this.module.nested(inst.block, inst.scope, "vpc_config")) {
        const vw: Where = { block: vc.block, scope: vc.scope, label: `${inst.address} vpc_config` };
        // sec-group-reqs: the security groups you specify go on the cluster's network interfaces (with the cluster
        // security group), not on node groups.
        const sgIds = this.reader.ids(vw, "security_group_ids");
        for (const subnetId of this.reader.ids(vw, "subnet_ids"))
          this.b.interfaces.push({
            id: `${inst.address}#${subnetId}`,
            name: nameTag ?? `${short}-control-plane`,
            tier: tierTag ?? "eks-control-plane",
            kind: "network-interface",
            subnetId,
            publicIp: false,
            securityGroupIds: sgIds,
            unknownSecurityGroups: `its network interfaces also carry ${CLUSTER_SG}`,
            source: this.ref(inst, vc.block.line),
          });
      }
      return;
    }
    const lt = this.module.nested(inst.block, inst.scope, "launch_template")[0];
    let launchTemplate: string | undefined;
    if (lt) {
      const lw: Where = { block: lt.block, scope: lt.scope, label: `${inst.address} launch_template` };
      const id = this.reader.id(lw, lt.block.attributes.has("id") ? "id" : "name", false);
      launchTemplate = typeof id === "string" ? id : "(a launch template Ward cannot evaluate)";
    }
    const ra = this.module.nested(inst.block, inst.scope, "remote_access")[0];
    const remoteAccess = ra
      ? {
          sources: this.reader.ids(
            { block: ra.block, scope: ra.scope, label: `${inst.address} remote_access` },
            "source_security_group_ids",
          ),
          key: ra.block.attributes.has("ec2_ssh_key"),
        }
      : undefined;
    const cluster = this.reader.string(w, "cluster_name", false);
    this.groups.push({
      inst,
      w,
      name: nameTag ?? short,
      tier: tierTag ?? inst.name,
      subnets: this.reader.ids(w, "subnet_ids"),
      cluster: typeof cluster === "string" ? cluster : undefined,
      launchTemplate,
      remoteAccess,
    });
  }

  finish(): void {
    for (const g of this.groups) {
      let sgIds: string[] = [];
      let unknown: string | undefined;
      const fromTemplate = g.launchTemplate ? this.templates.get(g.launchTemplate) : undefined;
      if (fromTemplate && fromTemplate.length > 0)
        // launch-templates.html "Using custom security groups": with security groups in the launch template,
        // Amazon EKS doesn't add the cluster security group.
        sgIds = fromTemplate;
      else if (g.launchTemplate && !fromTemplate)
        unknown = `its launch template ${g.launchTemplate} is not in the files: its security groups are unknown`;
      else {
        unknown = `its nodes carry ${CLUSTER_SG}`;
        // registry: eks_node_group remote_access — with ec2_ssh_key and no source_security_group_ids, port 22 is
        // opened to the Internet (0.0.0.0/0) by a security group EKS creates.
        if (g.remoteAccess?.key)
          unknown +=
            g.remoteAccess.sources.length > 0
              ? `, and the SSH group EKS creates (tcp 22 from ${g.remoteAccess.sources.join(", ")})`
              : ", and the SSH group EKS creates opens tcp 22 to the internet (remote_access without source_security_group_ids)";
      }
      for (const subnetId of g.subnets) {
        const ni: NetworkInterface = {
          id: `${g.inst.address}#${subnetId}`,
          name: g.name,
          tier: g.tier,
          kind: "node-group",
          subnetId,
          // managed-node-groups.html: nodes in a public subnet get a public IP only when the subnet's
          // MapPublicIpOnLaunch is true.
          publicIp: this.b.subnets.find((s) => s.id === subnetId)?.mapPublicIp === true,
          securityGroupIds: sgIds,
          ...(unknown ? { unknownSecurityGroups: unknown } : {}),
          source: this.ref(g.inst),
        };
        this.b.interfaces.push(ni);
      }
    }
  }
}
