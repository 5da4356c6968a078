import type { Cidr } from "../../model/cidr.js";
import type { NaclRule, NetworkInterface, SgRule, Unknown } from "../../model/cloud.js";
import type { CloudBuilder } from "../aws/cloud-builder.js";
import { UnknownValue } from "./hcl-value.js";
import { Reader, type ResourceSource, type Where } from "./terraform-cloud.js";
import { type ResourceInstance, syntheticId } from "./terraform-module.js";

const ALL_V6: Cidr = { text: "::/0", family: 6, prefix: 0, start: 0n, end: (1n << 128n) - 1n };

/**
 * IPv6 of the VPC's objects: subnet IPv6 blocks, interfaces that get IPv6 addresses (ipv6_addresses,
 * ipv6_address_count, the subnet's assign_ipv6_address_on_creation, a dualstack load balancer), and the IPv6 rules
 * AWS adds to a VPC's default network ACL and default security group when the VPC has an IPv6 block. Runs after
 * terraformToCloud has built the objects (HCL and `terraform show -json` alike).
 */
export function readIpv6Fields(module: ResourceSource, instances: readonly ResourceInstance[], b: CloudBuilder): void {
  const reader = new Reader(module, b);
  const where = (inst: ResourceInstance): Where => ({ block: inst.block, scope: inst.scope, label: inst.address });
  const assignOnCreation = new Map<string, boolean | Unknown>();
  const v6Vpcs = new Set<string>();
  const replaced = new Set<string>();
  for (const inst of instances) {
    const w = where(inst);
    // aws_default_network_acl / aws_default_security_group remove every rule AWS created and set their own.
    for (const [type, arg] of [
      ["aws_default_network_acl", "default_network_acl_id"],
      ["aws_default_security_group", "vpc_id"],
    ] as const)
      if (inst.type === type) {
        const id = reader.id(w, arg, false);
        if (typeof id === "string")
          replaced.add(type === "aws_default_security_group" ? syntheticId(id, "default-security-group") : id);
      }
    if (inst.type === "aws_vpc") {
      // An Amazon-provided block (assign_generated_ipv6_cidr_block), a given block or one from an IPAM pool.
      const has =
        reader.bool(w, "assign_generated_ipv6_cidr_block") === true ||
        w.block.attributes.has("ipv6_cidr_block") ||
        w.block.attributes.has("ipv6_ipam_pool_id");
      if (has) v6Vpcs.add(inst.address);
    }
    if (inst.type === "aws_vpc_ipv6_cidr_block_association") {
      const vpc = reader.id(w, "vpc_id", true);
      if (typeof vpc === "string") v6Vpcs.add(vpc);
    }
    if (inst.type === "aws_subnet") {
      const subnet = b.subnets.find((s) => s.id === inst.address);
      const text = reader.string(w, "ipv6_cidr_block", false);
      const cidr = typeof text === "string" ? b.cidr(text, reader.site(w, "ipv6_cidr_block")) : undefined;
      if (subnet && cidr) Object.assign(subnet, { ipv6Cidr: cidr });
      // registry.terraform.io/providers/hashicorp/aws: subnet assign_ipv6_address_on_creation — "network interfaces
      // created in the specified subnet should be assigned an IPv6 address" (default false).
      const raw = reader.raw(w, "assign_ipv6_address_on_creation");
      assignOnCreation.set(
        inst.address,
        raw instanceof UnknownValue
          ? { unknown: `${inst.address}.assign_ipv6_address_on_creation: ${raw.reason}` }
          : reader.bool(w, "assign_ipv6_address_on_creation") === true,
      );
    }
  }
  const set = (prefix: string, ipv6: NetworkInterface["ipv6"], extra: Partial<NetworkInterface> = {}) => {
    if (ipv6 === undefined) return;
    b.interfaces.forEach((x, i) => {
      if (x.id === prefix || x.id.startsWith(`${prefix}#`)) b.interfaces[i] = { ...x, ...extra, ipv6 };
    });
  };
  for (const inst of instances) {
    const w = where(inst);
    if (inst.type === "aws_instance" || inst.type === "aws_network_interface") {
      // ipv6_addresses / ipv6_address_count on the instance or interface, else the subnet's default.
      const listed = reader.stringsOrUnknown(w, "ipv6_addresses");
      const count = reader.number(w, "ipv6_address_count", false);
      const addrs = Array.isArray(listed)
        ? listed.flatMap((t) => b.cidr(t.includes("/") ? t : `${t}/128`, reader.site(w, "ipv6_addresses")) ?? [])
        : [];
      let ipv6: NetworkInterface["ipv6"];
      // What cannot be evaluated stays unknown: the IPv6 paths to it are then unknown, never skipped.
      if (!Array.isArray(listed)) ipv6 = listed;
      else if (addrs.length > 0) ipv6 = addrs;
      else if (typeof count === "object") ipv6 = count;
      else if (typeof count === "number") ipv6 = count > 0 ? "assigned" : undefined;
      else if (count === undefined && w.block.attributes.has("subnet_id")) {
        const subnet = reader.id(w, "subnet_id", false);
        const assign = typeof subnet === "string" ? assignOnCreation.get(subnet) : undefined;
        if (assign === true) ipv6 = "assigned";
        else if (typeof assign === "object") ipv6 = assign;
      }
      set(inst.address, ipv6);
    }
    if (inst.type === "aws_lb") {
      // ip_address_type dualstack / dualstack-without-public-ipv4: the load balancer's nodes have IPv6 addresses.
      const type = reader.string(w, "ip_address_type", false);
      // dualstack-without-public-ipv4: an internet-facing ALB reachable over IPv6 only (registry.terraform.io: lb).
      if (type === "dualstack") set(inst.address, "assigned");
      if (type === "dualstack-without-public-ipv4") set(inst.address, "assigned", { publicIp: false });
    }
  }
  for (const vpc of v6Vpcs) {
    // A VPC with an IPv6 block: its default network ACL has rules 101 allowing all IPv6 traffic in and out, and its
    // default security group allows all outbound IPv6 (docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html,
    // default-security-group.html) — unless aws_default_network_acl / aws_default_security_group replaced them.
    const nacl = b.nacls.find((n) => n.id === syntheticId(vpc, "default-network-acl"));
    if (nacl && !replaced.has(nacl.id)) {
      const source = nacl.source;
      const rule = (direction: "ingress" | "egress"): NaclRule => ({
        direction,
        ruleNumber: 101,
        action: "allow",
        protocol: "all",
        fromPort: 0,
        toPort: 65535,
        cidr: ALL_V6,
        source,
      });
      nacl.rules.push(rule("ingress"), rule("egress"));
    }
    const sg = b.securityGroups.find((g) => g.id === syntheticId(vpc, "default-security-group"));
    if (sg && !replaced.has(sg.id)) {
      const egress: SgRule = {
        direction: "egress",
        protocol: "all",
        fromPort: 0,
        toPort: 65535,
        peer: { type: "cidr", cidr: ALL_V6 },
        source: sg.source,
      };
      sg.rules.push(egress);
    }
  }
}
