import type { CloudRef } from "../../model/cloud.js";
import type { LbAction, LbListener, LbTarget, TargetGroup } from "../../model/cloud-lb.js";
import type { CloudBuilder } from "../aws/cloud-builder.js";
import { UnknownValue } from "./hcl-value.js";
import type { Reader, Where } from "./terraform-cloud.js";
import type { ResourceInstance, TerraformModule } from "./terraform-module.js";

type Nested = Pick<TerraformModule, "nested">;

// The aws_alb* names are the provider's aliases of the aws_lb* resources.
export const LOAD_BALANCING_TYPES = new Set([
  "aws_lb_listener",
  "aws_alb_listener",
  "aws_lb_listener_rule",
  "aws_alb_listener_rule",
  "aws_lb_target_group",
  "aws_alb_target_group",
  "aws_lb_target_group_attachment",
  "aws_alb_target_group_attachment",
  "aws_autoscaling_attachment",
  "aws_autoscaling_group",
]);

const TARGET_TYPES = new Set(["instance", "ip", "lambda", "alb"]);
const ACTION_TYPES = new Set(["forward", "redirect", "fixed-response", "authenticate-cognito", "authenticate-oidc"]);

/**
 * ELBv2 listeners, listener rules, target groups and their registrations (registry.terraform.io/providers/hashicorp/aws:
 * lb_listener, lb_listener_rule, lb_target_group, lb_target_group_attachment, autoscaling_attachment). Collected
 * first, resolved in `finish`, so the order of resources in the files does not matter.
 */
export class TerraformLoadBalancing {
  private readonly listeners: (LbListener & { actions: LbAction[] })[] = [];
  private readonly rules: { listener: string; actions: LbAction[]; w: Where }[] = [];
  private readonly groups = new Map<string, TargetGroup & { targets: LbTarget[]; unknown: string[] }>();
  private readonly attachments: { group: string; target: LbTarget; w: Where }[] = [];
  private readonly scaling: { group: string; why: string; target?: string; w: Where }[] = [];

  constructor(
    private readonly b: CloudBuilder,
    private readonly reader: Reader,
    private readonly module: Nested,
    private readonly ref: (inst: ResourceInstance, line?: number) => CloudRef,
  ) {}

  read(inst: ResourceInstance, w: Where): void {
    const type = inst.type.replace(/^aws_alb/, "aws_lb");
    if (type === "aws_lb_listener") this.listener(inst, w);
    else if (type === "aws_lb_listener_rule") {
      const listener = this.reader.id(w, "listener_arn", true);
      if (typeof listener === "string") this.rules.push({ listener, actions: this.actions(inst, "action"), w });
    } else if (type === "aws_lb_target_group") this.targetGroup(inst, w);
    else if (type === "aws_lb_target_group_attachment") {
      const group = this.reader.id(w, "target_group_arn", true);
      const target = this.reader.id(w, "target_id", true);
      const port = this.reader.number(w, "port", false);
      if (typeof group !== "string") return;
      if (typeof target !== "string") {
        this.scaling.push({ group, why: `${inst.address}: its target_id cannot be evaluated`, w });
        return;
      }
      this.attachments.push({
        group,
        target: { targetId: target, ...(typeof port === "number" ? { port } : {}), source: this.ref(inst) },
        w,
      });
    } else if (type === "aws_autoscaling_attachment") {
      // lb_target_group_arn (alb_target_group_arn before provider v5) registers the group's instances.
      const arg = inst.block.attributes.has("lb_target_group_arn") ? "lb_target_group_arn" : "alb_target_group_arn";
      const group = this.reader.id(w, arg, false);
      if (typeof group === "string") this.scalingGroup(inst, w, group, "autoscaling_group_name");
    } else if (type === "aws_autoscaling_group")
      for (const group of this.reader.strings(w, "target_group_arns")) this.scalingGroup(inst, w, group, undefined);
  }

  /** An Auto Scaling group registers instances launched at run time; an EKS node group's ASG its nodes. */
  private scalingGroup(inst: ResourceInstance, w: Where, group: string, nameArg: string | undefined): void {
    const raw = nameArg ? this.reader.raw(w, nameArg) : undefined;
    // aws_eks_node_group.x.resources[0].autoscaling_groups[0].name is computed, but it names the node group.
    const from = raw instanceof UnknownValue ? raw.from : undefined;
    if (from?.startsWith("aws_eks_node_group.")) {
      this.scaling.push({
        group,
        why: `${inst.address} registers the nodes of ${from}`,
        target: from,
        w,
      });
      return;
    }
    const asg = nameArg ? (typeof raw === "string" ? raw : "(an Auto Scaling group)") : inst.address;
    this.scaling.push({ group, why: `Auto Scaling group ${asg} registers instances launched at run time`, w });
  }

  private listener(inst: ResourceInstance, w: Where): void {
    const lb = this.reader.id(w, "load_balancer_arn", true);
    if (typeof lb !== "string") return;
    const port = this.reader.number(w, "port", false);
    const protocol = this.reader.string(w, "protocol", false);
    if (typeof port === "number" && (port < 1 || port > 65535))
      this.b.error("invalid-port", `${inst.address}: port ${port} is not within 1-65535`, this.reader.site(w, "port"));
    this.listeners.push({
      id: inst.address,
      loadBalancerIds: [lb],
      // A Gateway Load Balancer listener has no port: it takes every port (registry: lb_listener, port).
      port: port ?? { unknown: "the listener has no port" },
      // registry: lb_listener protocol — "For Application Load Balancers ... with a default of HTTP".
      protocol: typeof protocol === "string" ? protocol.toUpperCase() : "HTTP",
      actions: this.actions(inst, "default_action"),
      source: this.ref(inst),
    });
  }

  /** The terminal action of each action list: forward, redirect or fixed-response (ELB API reference, Action). */
  private actions(inst: ResourceInstance, blockType: string): LbAction[] {
    const out: LbAction[] = [];
    for (const nb of this.module.nested(inst.block, inst.scope, blockType)) {
      const aw: Where = { block: nb.block, scope: nb.scope, label: `${inst.address} ${blockType}` };
      const source = this.ref(inst, nb.block.line);
      const type = this.reader.string(aw, "type", true);
      if (typeof type !== "string") {
        out.push({ type: "unknown", why: "the action type cannot be evaluated", source });
        continue;
      }
      if (!ACTION_TYPES.has(type)) {
        this.b.error(
          "invalid-value",
          `${aw.label}: type "${type}" is not forward, redirect, fixed-response, authenticate-cognito or authenticate-oidc`,
          this.reader.site(aw, "type"),
        );
        continue;
      }
      if (type.startsWith("authenticate-")) continue;
      if (type !== "forward") {
        out.push({ type: type as "redirect" | "fixed-response", source });
        continue;
      }
      const ids: string[] = [];
      const one = this.reader.id(aw, "target_group_arn", false);
      if (typeof one === "string") ids.push(one);
      else if (one !== undefined) {
        out.push({ type: "unknown", why: "its target_group_arn cannot be evaluated", source });
        continue;
      }
      for (const f of this.module.nested(nb.block, nb.scope, "forward"))
        for (const tg of this.module.nested(f.block, f.scope, "target_group")) {
          const id = this.reader.id({ block: tg.block, scope: tg.scope, label: `${aw.label} forward` }, "arn", true);
          if (typeof id === "string") ids.push(id);
        }
      out.push({ type: "forward", targetGroupIds: ids, source });
    }
    return out;
  }

  private targetGroup(inst: ResourceInstance, w: Where): void {
    const targetType = this.reader.string(w, "target_type", false) ?? "instance";
    if (typeof targetType === "string" && !TARGET_TYPES.has(targetType)) {
      this.b.error(
        "invalid-value",
        `${inst.address}: target_type "${targetType}" is not instance, ip, lambda or alb`,
        this.reader.site(w, "target_type"),
      );
      return;
    }
    const port = this.reader.number(w, "port", false);
    const protocol = this.reader.string(w, "protocol", false);
    const name = this.reader.string(w, "name", false);
    this.groups.set(inst.address, {
      id: inst.address,
      name: typeof name === "string" ? name : inst.address.slice(inst.type.length + 1),
      ...(port !== undefined ? { port } : {}),
      ...(typeof protocol === "string" ? { protocol: protocol.toUpperCase() } : {}),
      targetType: typeof targetType === "string" ? (targetType as TargetGroup["targetType"]) : "instance",
      targets: [],
      unknown: typeof targetType === "string" ? [] : ["its target_type cannot be evaluated"],
      source: this.ref(inst),
    });
  }

  /** A Terraform address that names nothing is a mistake; a literal ARN names something outside the files. */
  private notInFiles(label: string, what: string, id: string, at: CloudRef): void {
    if (/^aws_[a-z0-9_]+\./.test(id))
      this.b.error("unknown-reference", `${label}: ${what} "${id}" is not in the files`, at);
    else
      this.b.warn("not-in-files", `${label}: ${what} ${id} is not in the files: where it sends traffic is unknown`, at);
  }

  finish(): void {
    const byId = new Map(this.listeners.map((l) => [l.id, l]));
    for (const r of this.rules) {
      const l = byId.get(r.listener);
      if (l) l.actions.push(...r.actions);
      else this.reader.missing(r.w, "listener_arn", r.listener, "listener");
    }
    for (const a of this.attachments) {
      const g = this.groups.get(a.group);
      if (g) g.targets.push(a.target);
      else this.notInFiles(a.w.label, "target group", a.group, a.target.source);
    }
    for (const s of this.scaling) {
      const g = this.groups.get(s.group);
      if (!g) continue;
      if (s.target) g.targets.push({ targetId: s.target, source: { ...g.source, ...this.reader.site(s.w, "") } });
      else g.unknown.push(s.why);
    }
    for (const l of this.listeners)
      for (const a of l.actions)
        if (a.type === "forward")
          for (const id of a.targetGroupIds)
            if (!this.groups.has(id)) this.notInFiles(l.id, "target group", id, a.source);
    this.b.listeners.push(...this.listeners);
    for (const { unknown, ...g } of this.groups.values())
      this.b.targetGroups.push(unknown.length > 0 ? { ...g, unknownTargets: unknown.join("; ") } : g);
  }
}
