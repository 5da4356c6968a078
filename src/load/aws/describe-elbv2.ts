import type { LbAction, LbTarget, TargetGroup } from "../../model/cloud-lb.js";
import type { InputText } from "../read-inputs.js";
import type { CloudBuilder } from "./cloud-builder.js";
import type { DescribeFile } from "./describe.js";

/** `aws elbv2 describe-load-balancers / describe-listeners / describe-target-groups / describe-target-health` keys. */
const ELBV2_KEYS = ["LoadBalancers", "Listeners", "TargetGroups", "TargetHealthDescriptions"];

export function isElbv2Input(input: InputText): boolean {
  const m = /^\s*\{\s*"([A-Za-z]+)"\s*:/.exec(input.text);
  return m !== null && ELBV2_KEYS.includes(m[1] ?? "");
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** "arn:…:loadbalancer/app/web/50dc…" → "app/web/50dc…", the key network interfaces name in "ELB app/web/50dc…". */
function lbKey(arn: string): string | undefined {
  return /:loadbalancer\/((?:app|net|gwy)\/[^/]+\/[^/]+)$/.exec(arn)?.[1];
}

/**
 * ELBv2 describe output → listeners and target groups. A load balancer is known by its network interfaces
 * (describe-network-interfaces: Description "ELB app/<name>/<id>"). describe-target-health output does not name its
 * target group: it applies to the target group named in its file name (describe-target-health-<TargetGroupName>.json)
 * or, when the inputs hold one target group only, to that one; otherwise the registrations stay unknown.
 */
export function readElbv2(b: CloudBuilder, files: readonly DescribeFile[]): void {
  if (!files.some((f) => ELBV2_KEYS.some((k) => k in f.value))) return;
  // LB key → its interfaces; instance id → its interfaces (targets of type instance are registered by instance id).
  const lbEnis = new Map<string, string[]>();
  const instanceEnis = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, k: string, v: string) => m.set(k, [...(m.get(k) ?? []), v]);
  for (const f of files)
    for (const x of arr(f.value.NetworkInterfaces)) {
      const o = obj(x);
      const id = str(o.NetworkInterfaceId);
      if (!id) continue;
      const elb = /^ELB ((?:app|net|gwy)\/[^/]+\/[^/]+)$/.exec(str(o.Description) ?? "");
      if (elb?.[1]) add(lbEnis, elb[1], id);
      const inst = str(obj(o.Attachment).InstanceId);
      if (inst) add(instanceEnis, inst, id);
    }
  for (const i of b.interfaces) if (i.kind === "instance" && /^i-/.test(i.id)) add(instanceEnis, i.id, i.id);

  const groups = new Map<string, TargetGroup & { targets: LbTarget[] }>();
  const groupLbs = new Map<string, string[]>();
  const healthFiles: DescribeFile[] = [];
  for (const f of files) {
    arr(f.value.TargetGroups).forEach((x, i) => {
      const o = obj(x);
      const arn = str(o.TargetGroupArn);
      if (!arn) return;
      const type = str(o.TargetType) ?? "instance";
      const port = typeof o.Port === "number" ? o.Port : undefined;
      groupLbs.set(
        arn,
        arr(o.LoadBalancerArns).flatMap((l) => str(l) ?? []),
      );
      groups.set(arn, {
        id: arn,
        name: str(o.TargetGroupName) ?? arn,
        ...(port !== undefined ? { port } : {}),
        ...(str(o.Protocol) ? { protocol: str(o.Protocol) as string } : {}),
        targetType: (["instance", "ip", "lambda", "alb"].includes(type)
          ? type
          : "instance") as TargetGroup["targetType"],
        targets: [],
        source: f.ref("TargetGroup", str(o.TargetGroupName) ?? arn, ["TargetGroups", i]),
      });
    });
    if ("TargetHealthDescriptions" in f.value) healthFiles.push(f);
  }
  const registered = new Set<string>();
  for (const f of healthFiles) {
    const base = f.file.replace(/^.*[/\\]/, "").replace(/\.json$/i, "");
    const named = [...groups.values()].find((g) => base === `describe-target-health-${g.name}`);
    const group = named ?? (groups.size === 1 ? [...groups.values()][0] : undefined);
    if (!group) {
      b.warn(
        "target-group-unknown",
        "describe-target-health output does not name its target group: name the file describe-target-health-<TargetGroupName>.json",
        { file: f.file, line: 1 },
      );
      continue;
    }
    registered.add(group.id);
    arr(f.value.TargetHealthDescriptions).forEach((x, i) => {
      const t = obj(obj(x).Target);
      const id = str(t.Id);
      if (!id) return;
      const port = typeof t.Port === "number" ? t.Port : undefined;
      const source = f.ref("Target", id, ["TargetHealthDescriptions", i]);
      const ids = group.targetType === "instance" ? (instanceEnis.get(id) ?? [id]) : [id];
      for (const targetId of ids) group.targets.push({ targetId, ...(port !== undefined ? { port } : {}), source });
    });
  }
  for (const g of groups.values())
    b.targetGroups.push(
      registered.has(g.id)
        ? g
        : { ...g, unknownTargets: "its registrations are not in the files (aws elbv2 describe-target-health)" },
    );

  const forwarded = new Map<string, string[]>();
  for (const f of files)
    arr(f.value.Listeners).forEach((x, i) => {
      const o = obj(x);
      const arn = str(o.ListenerArn) ?? `listener-${i}`;
      const lb = str(o.LoadBalancerArn);
      const source = f.ref("Listener", arn, ["Listeners", i]);
      const key = lb ? lbKey(lb) : undefined;
      const enis = key ? lbEnis.get(key) : undefined;
      if (!enis) {
        b.warn(
          "load-balancer-unknown",
          `listener ${arn}: the network interfaces of its load balancer are not in the files (describe-network-interfaces)`,
          source,
        );
        return;
      }
      const actions: LbAction[] = [];
      arr(o.DefaultActions).forEach((a, j) => {
        const ao = obj(a);
        const type = str(ao.Type);
        const at = f.ref("Action", arn, ["Listeners", i, "DefaultActions", j]);
        if (type === "redirect" || type === "fixed-response") actions.push({ type, source: at });
        else if (type === "forward") {
          const ids = new Set<string>();
          const one = str(ao.TargetGroupArn);
          if (one) ids.add(one);
          for (const g of arr(obj(ao.ForwardConfig).TargetGroups)) {
            const id = str(obj(g).TargetGroupArn);
            if (id) ids.add(id);
          }
          actions.push({ type: "forward", targetGroupIds: [...ids], source: at });
        }
      });
      const port = typeof o.Port === "number" ? o.Port : undefined;
      b.listeners.push({
        id: arn,
        loadBalancerIds: enis,
        port: port ?? { unknown: "the listener has no port" },
        protocol: str(o.Protocol) ?? "HTTP",
        actions,
        source,
      });
      forwarded.set(lb ?? "", [
        ...(forwarded.get(lb ?? "") ?? []),
        ...actions.flatMap((a) => (a.type === "forward" ? a.targetGroupIds : [])),
      ]);
    });
  // Listener rules (aws elbv2 describe-rules) are not read: a target group a load balancer uses only through rules is
  // said, not dropped.
  for (const g of groups.values())
    for (const lb of groupLbs.get(g.id) ?? [])
      if (forwarded.has(lb) && !forwarded.get(lb)?.includes(g.id))
        b.warn(
          "listener-rules-unknown",
          `target group ${g.name} is used by load balancer ${lbKey(lb) ?? lb} through listener rules Ward does not read (aws elbv2 describe-rules): what reaches it there is unknown`,
          g.source,
        );
}
