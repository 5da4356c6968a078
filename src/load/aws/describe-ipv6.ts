import type { Cidr } from "../../model/cidr.js";
import type { CloudBuilder } from "./cloud-builder.js";
import type { DescribeFile } from "./describe.js";

type Json = unknown;
type Obj = Record<string, Json>;
const obj = (v: Json): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: Json): Json[] => (Array.isArray(v) ? v : []);
const str = (v: Json): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * IPv6 in describe output: a subnet's associated IPv6 block (Ipv6CidrBlockAssociationSet, state "associated") and
 * the IPv6 addresses of network interfaces (NetworkInterfaces[].Ipv6Addresses) and instances (Ipv6Address and their
 * NetworkInterfaces[].Ipv6Addresses). Runs after loadDescribe has built subnets and interfaces.
 */
export function readDescribeIpv6(b: CloudBuilder, files: readonly DescribeFile[]): void {
  const addresses = (f: DescribeFile, list: Json, path: (string | number)[], kind: string, id: string): Cidr[] =>
    arr(list).flatMap((a, k) => {
      const t = str(obj(a).Ipv6Address);
      return t ? (b.cidr(`${t}/128`, f.ref(kind, id, [...path, k, "Ipv6Address"])) ?? []) : [];
    });
  const set = (id: string, cidrs: Cidr[]) => {
    if (cidrs.length === 0) return;
    b.interfaces.forEach((x, i) => {
      if (x.id === id) b.interfaces[i] = { ...x, ipv6: cidrs };
    });
  };
  for (const f of files) {
    const v = f.value;
    arr(v.Subnets).forEach((x, i) => {
      const o = obj(x);
      const subnet = b.subnets.find((s) => s.id === str(o.SubnetId));
      arr(o.Ipv6CidrBlockAssociationSet).forEach((a, j) => {
        const text = str(obj(a).Ipv6CidrBlock);
        if (!subnet || !text || obj(obj(a).Ipv6CidrBlockState).State !== "associated") return;
        const c = b.cidr(text, f.ref("Subnet", subnet.name, ["Subnets", i, "Ipv6CidrBlockAssociationSet", j]));
        if (c) Object.assign(subnet, { ipv6Cidr: c });
      });
    });
    arr(v.NetworkInterfaces).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.NetworkInterfaceId);
      if (id) set(id, addresses(f, o.Ipv6Addresses, ["NetworkInterfaces", i, "Ipv6Addresses"], "NetworkInterface", id));
    });
    arr(v.Reservations).forEach((r, ri) => {
      arr(obj(r).Instances).forEach((x, ii) => {
        const o = obj(x);
        const id = str(o.InstanceId);
        if (!id) return;
        // The instance's interfaces list their addresses; Ipv6Address is the primary one.
        const path = ["Reservations", ri, "Instances", ii];
        const cidrs = arr(o.NetworkInterfaces).flatMap((n, k) =>
          addresses(f, obj(n).Ipv6Addresses, [...path, "NetworkInterfaces", k, "Ipv6Addresses"], "Instance", id),
        );
        const primary = str(o.Ipv6Address);
        if (primary && cidrs.length === 0) {
          const c = b.cidr(`${primary}/128`, f.ref("Instance", id, [...path, "Ipv6Address"]));
          if (c) cidrs.push(c);
        }
        set(id, cidrs);
      });
    });
  }
}
