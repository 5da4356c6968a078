import type { InputProblem } from "../../errors/input-error.js";
import { emptyCloud } from "../../model/cloud.js";
import type { Warning } from "../../model/model.js";
import { parseIpProtocol } from "../aws/cloud-builder.js";
import { DescribeFile, formatJsonPath } from "../aws/describe.js";
import type { InputText } from "../read-inputs.js";
import type { Attribute, Block } from "./hcl-ast.js";
import type { Scope } from "./hcl-eval.js";
import { UnknownValue, type Value } from "./hcl-value.js";
import type { TerraformResult } from "./load-terraform.js";
import { terraformToCloud } from "./terraform-cloud.js";
import { type NestedBlock, type ResourceInstance, syntheticId } from "./terraform-module.js";

type Json = unknown;
type Obj = Record<string, Json>;
type Seg = string | number;

const obj = (v: Json): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: Json): Json[] => (Array.isArray(v) ? v : []);
const str = (v: Json): string | undefined => (typeof v === "string" ? v : undefined);
const isObj = (v: Json): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Is this `terraform show -json` output (a state or a saved plan)? It starts with format_version
 * (developer.hashicorp.com/terraform/internals/json-format).
 */
export function isTerraformJson(text: string): boolean {
  return /^\s*\{\s*"format_version"\s*:/.test(text) && /"(values|planned_values|prior_state)"\s*:/.test(text);
}

type RawResource = {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  readonly values: Obj;
  readonly path: Seg[];
  /** Plan only: which attributes are known only after apply (resource_changes[].change.after_unknown). */
  readonly unknown: Json;
  /** Plan only: the configuration's expressions of the resource, for references behind unknown values. */
  readonly expressions: Json;
};

/**
 * `terraform show -json` → the same resource instances the HCL evaluator yields, so one reader builds the cloud
 * model for both. Provider ids (vpc-…, sg-…, ARNs) are replaced by the resource addresses that own them; the JSON
 * path and line of every resource is its source reference.
 */
export class TerraformJson {
  readonly problems: InputProblem[] = [];
  readonly warnings: Warning[] = [];
  private readonly values = new WeakMap<Attribute, Value>();
  private readonly list: ResourceInstance[] = [];
  private readonly addressOf = new Map<string, string>();
  private readonly resources: RawResource[] = [];
  private readonly known = new Set<string>();
  private readonly byBase = new Map<string, RawResource[]>();
  private firewalls = new Map<string, string>();

  constructor(inputs: readonly InputText[]) {
    for (const input of inputs) this.read(input);
    this.index();
    for (const r of this.resources) this.list.push(this.instance(r));
  }

  instances(): ResourceInstance[] {
    return this.list;
  }

  nested(block: Block, scope: Scope, type: string): NestedBlock[] {
    return block.blocks.filter((b) => b.type === type).map((b) => ({ block: b, scope }));
  }

  evalIn(a: Attribute): Value | undefined {
    return this.values.get(a);
  }

  private read(input: InputText): void {
    const f = new DescribeFile(input.file, input.text);
    for (const e of f.errors) {
      const line = e.linePos?.[0]?.line ?? 1;
      this.problem("json-syntax", `JSON syntax error: ${e.message.split("\n")[0]}`, input.file, line);
    }
    if (f.errors.length > 0) return;
    const v = f.value;
    const version = str(v.format_version) ?? "";
    // "Reject any input which reports an unsupported major version" (developer.hashicorp.com: JSON Output Format).
    if (!/^1\./.test(version)) {
      this.problem(
        "unsupported-format",
        `terraform show -json format_version "${version}" is not supported (Ward reads 1.x)`,
        input.file,
        f.lineOf(["format_version"]),
      );
      return;
    }
    // A saved plan: the planned values (what apply will create); a state: its values.
    const rootKey = isObj(v.planned_values) ? "planned_values" : "values";
    const changes = new Map<string, Json>();
    for (const c of arr(v.resource_changes)) {
      const address = str(obj(c).address);
      if (address) changes.set(address, obj(obj(c).change).after_unknown);
    }
    const config = new Map<string, Json>();
    for (const r of arr(obj(obj(v.configuration).root_module).resources)) {
      const address = str(obj(r).address);
      if (address) config.set(address, obj(r).expressions);
    }
    const walk = (module: Json, path: Seg[]): void => {
      arr(obj(module).resources).forEach((rx, i) => {
        const r = obj(rx);
        const address = str(r.address);
        const type = str(r.type);
        const name = str(r.name);
        if (r.mode === "data" || !address || !type || !name) return;
        const index = typeof r.index === "number" || typeof r.index === "string" ? r.index : undefined;
        const rpath = [...path, "resources", i];
        this.resources.push({
          address,
          type,
          name,
          ...(index !== undefined ? { index } : {}),
          values: obj(r.values),
          path: rpath,
          unknown: changes.get(address),
          expressions: config.get(address.replace(/\[[^\]]*\]$/, "")),
        });
        this.files.set(address, f);
      });
      arr(obj(module).child_modules).forEach((m, i) => {
        walk(m, [...path, "child_modules", i]);
      });
    };
    walk(obj(v[rootKey]).root_module, [rootKey, "root_module"]);
  }

  private readonly files = new Map<string, DescribeFile>();

  /** Provider ids and ARNs → resource addresses; the VPC's default objects → the ids the reader gives them. */
  private index(): void {
    const tgwDefaults: [string, string][] = [];
    for (const r of this.resources) {
      this.known.add(r.address);
      const base = r.address.replace(/\[[^\]]*\]$/, "");
      this.byBase.set(base, [...(this.byBase.get(base) ?? []), r]);
      for (const k of ["id", "arn"]) {
        const id = str(r.values[k]);
        if (id) this.addressOf.set(id, r.address);
      }
      if (r.type === "aws_vpc")
        for (const [attr, what] of [
          ["main_route_table_id", "main-route-table"],
          ["default_route_table_id", "main-route-table"],
          ["default_network_acl_id", "default-network-acl"],
          ["default_security_group_id", "default-security-group"],
        ] as const) {
          const id = str(r.values[attr]);
          if (id) this.addressOf.set(id, syntheticId(r.address, what));
        }
      // A transit gateway's default route table gets the id the HCL reader gives it.
      if (r.type === "aws_ec2_transit_gateway")
        for (const attr of ["association_default_route_table_id", "propagation_default_route_table_id"]) {
          const id = str(r.values[attr]);
          if (id) tgwDefaults.push([id, syntheticId(r.address, "default-route-table")]);
        }
      // A route to a Network Firewall names the endpoint (vpce-…) in the firewall's sync_states.
      if (r.type === "aws_networkfirewall_firewall")
        for (const st of arr(r.values.firewall_status))
          for (const s of arr(obj(st).sync_states))
            for (const a of arr(obj(s).attachment)) {
              const id = str(obj(a).endpoint_id);
              if (id) this.firewalls.set(id, r.address);
            }
    }
    for (const [id, address] of this.firewalls) this.addressOf.set(id, address);
    // Unless the default is a route table of the state itself (aws_ec2_transit_gateway_default_route_table_association).
    for (const [id, table] of tgwDefaults) if (!this.addressOf.has(id)) this.addressOf.set(id, table);
  }

  private instance(r: RawResource): ResourceInstance {
    const f = this.files.get(r.address) as DescribeFile;
    const values = this.withoutStandaloneRules(r);
    const block = this.block(
      f,
      r,
      "resource",
      [r.type, r.name],
      values,
      [...r.path, "values"],
      r.unknown,
      r.expressions,
    );
    return {
      address: r.address,
      type: r.type,
      name: r.name,
      ...(r.index !== undefined ? { key: r.index } : {}),
      block: { ...block, line: f.lineOf(r.path), path: formatJsonPath(r.path) },
      scope: { file: f.file, lookup: () => null },
    };
  }

  private block(
    f: DescribeFile,
    r: RawResource,
    type: string,
    labels: string[],
    values: Obj,
    path: Seg[],
    unknown: Json,
    expressions: Json,
  ): Block {
    const attributes = new Map<string, Attribute>();
    const blocks: Block[] = [];
    const names = new Set([...Object.keys(values), ...Object.keys(obj(unknown))]);
    for (const name of names) {
      const v = values[name];
      const line = f.lineOf(name in values ? [...path, name] : path.slice(0, -1));
      const u = obj(unknown)[name];
      const attr: Attribute = { name, expr: { t: "lit", v: null, line }, line };
      if (u === true && (v === undefined || v === null)) {
        this.values.set(attr, this.unknownValue(r, obj(expressions)[name], f.file, line));
        attributes.set(name, attr);
        continue;
      }
      // The provider stores an unset string argument as "" in state: it is not set.
      if (v === "" || v === null || v === undefined) continue;
      if (Array.isArray(v) && v.length > 0 && v.every(isObj))
        v.forEach((item, i) => {
          blocks.push(
            this.block(
              f,
              r,
              name,
              [],
              item as Obj,
              [...path, name, i],
              arr(u)[i],
              arr(obj(expressions)[name])[i] ?? arr(obj(expressions)[name])[0],
            ),
          );
        });
      this.values.set(attr, this.value(r, v, u, obj(expressions)[name], f.file, line));
      attributes.set(name, attr);
    }
    return { type, labels, attributes, blocks, file: f.file, line: f.lineOf(path), path: formatJsonPath(path) };
  }

  private value(r: RawResource, v: Json, unknown: Json, expr: Json, file: string, line: number): Value {
    if (unknown === true) return this.unknownValue(r, expr, file, line);
    if (typeof v === "string") return this.addressOf.get(v) ?? v;
    if (typeof v === "number" || typeof v === "boolean" || v === null) return v;
    if (Array.isArray(v)) return v.map((x, i) => this.value(r, x, arr(unknown)[i], undefined, file, line));
    if (isObj(v)) {
      const out: Record<string, Value> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.value(r, x, obj(unknown)[k], undefined, file, line);
      return out;
    }
    return null;
  }

  /**
   * A value known only after apply. When the configuration says it is another resource's attribute (one reference,
   * to one instance: `aws_vpc.main.id`, `aws_subnet.private[count.index].id`, `aws_subnet.public[0].id`), it is that
   * resource, as in the HCL evaluator; otherwise it stays unknown.
   */
  private unknownValue(r: RawResource, expr: Json, file: string, line: number): Value {
    const refs = arr(obj(expr).references).flatMap((x) => str(x) ?? []);
    for (const ref of refs) {
      const m = /^((?:module\.[^.[]+(?:\[[^\]]+\])?\.)*[a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\[([^\]]+)\])?/.exec(ref);
      if (!m?.[1] || m[1].startsWith("var.") || m[1].startsWith("local.") || m[1].startsWith("data.")) continue;
      const targets = this.byBase.get(m[1]);
      if (!targets) continue;
      let target: RawResource | undefined;
      const key = m[2];
      if (key === undefined) target = targets.length === 1 && targets[0]?.index === undefined ? targets[0] : undefined;
      else if (key === "count.index" || key === "each.key") target = targets.find((t) => t.index === r.index);
      else {
        const literal = /^\d+$/.test(key) ? Number(key) : key.replace(/^"|"$/g, "");
        target = targets.find((t) => t.index === literal);
      }
      if (!target) break;
      if (target.type === "aws_networkfirewall_firewall")
        return new UnknownValue("known only after apply", file, line, target.address);
      return target.address;
    }
    return new UnknownValue("known only after apply", file, line);
  }

  /**
   * After a refresh, a route table's `route`, a network ACL's `ingress`/`egress` and a security group's rules list
   * the entries that standalone aws_route / aws_network_acl_rule / aws_security_group_rule resources created too.
   * Those are read from their own resources; the copies are left out here.
   */
  private withoutStandaloneRules(r: RawResource): Obj {
    const id = str(r.values.id);
    if (!id) return r.values;
    const others = this.resources.filter((o) => o !== r);
    const out: Obj = { ...r.values };
    // State records the ENI an EIP ended up on; for a NAT gateway's EIP that is the gateway's own interface, which
    // the configuration gives as the gateway's allocation_id, not as an EIP target.
    if (r.type === "aws_eip") {
      const eni = str(r.values.network_interface);
      if (eni && others.some((o) => o.type === "aws_nat_gateway" && o.values.network_interface_id === eni))
        delete out.network_interface;
    }
    if (r.type === "aws_route_table") {
      const dests = new Set(
        others
          .filter((o) => o.type === "aws_route" && o.values.route_table_id === id)
          .flatMap((o) =>
            [o.values.destination_cidr_block, o.values.destination_ipv6_cidr_block, o.values.destination_prefix_list_id]
              .map(str)
              .filter((x): x is string => !!x),
          ),
      );
      out.route = arr(r.values.route).filter((e) => {
        const d = [obj(e).cidr_block, obj(e).ipv6_cidr_block, obj(e).destination_prefix_list_id]
          .map(str)
          .find((x) => x);
        return !d || !dests.has(d);
      });
    }
    if (r.type === "aws_network_acl")
      for (const dir of ["ingress", "egress"] as const) {
        const numbers = new Set(
          others
            .filter(
              (o) =>
                o.type === "aws_network_acl_rule" &&
                o.values.network_acl_id === id &&
                (o.values.egress === true) === (dir === "egress"),
            )
            .map((o) => o.values.rule_number),
        );
        out[dir] = arr(r.values[dir]).filter((e) => !numbers.has(obj(e).rule_no));
      }
    if (r.type === "aws_security_group")
      for (const dir of ["ingress", "egress"] as const) {
        const standalone = others.flatMap((o) => {
          const v = o.values;
          if (o.type === "aws_security_group_rule" && v.security_group_id === id && v.type === dir)
            return [
              {
                protocol: v.protocol,
                from: v.from_port,
                to: v.to_port,
                peers: new Set([
                  ...arr(v.cidr_blocks),
                  ...arr(v.ipv6_cidr_blocks),
                  ...arr(v.prefix_list_ids),
                  ...(str(v.source_security_group_id) ? [v.source_security_group_id] : []),
                  ...(v.self === true ? [id] : []),
                ]),
              },
            ];
          if (o.type === `aws_vpc_security_group_${dir}_rule` && v.security_group_id === id)
            return [
              {
                protocol: v.ip_protocol,
                from: v.from_port ?? 0,
                to: v.to_port ?? 0,
                peers: new Set(
                  [v.cidr_ipv4, v.cidr_ipv6, v.prefix_list_id, v.referenced_security_group_id].filter((x) => !!x),
                ),
              },
            ];
          return [];
        });
        out[dir] = arr(r.values[dir]).filter((e) => {
          const x = obj(e);
          const peers = [
            ...arr(x.cidr_blocks),
            ...arr(x.ipv6_cidr_blocks),
            ...arr(x.prefix_list_ids),
            ...arr(x.security_groups),
            ...(x.self === true ? [id] : []),
          ];
          return !standalone.some(
            (s) =>
              parseIpProtocol(String(s.protocol)) === parseIpProtocol(String(x.protocol)) &&
              (parseIpProtocol(String(s.protocol)) === "all" || (s.from === x.from_port && s.to === x.to_port)) &&
              peers.length > 0 &&
              peers.every((p) => s.peers.has(p)),
          );
        });
      }
    return out;
  }

  private problem(code: string, message: string, file: string, line: number): void {
    this.problems.push({ code, message, file, line });
  }
}

/** `terraform show -json` files → the cloud model, through the same reader as HCL. */
export function loadTerraformJson(inputs: readonly InputText[]): TerraformResult {
  const module = new TerraformJson(inputs);
  if (module.problems.length > 0) return { cloud: emptyCloud(), problems: module.problems, warnings: [] };
  const builder = terraformToCloud(module);
  return {
    cloud: builder.finish(),
    problems: builder.problems,
    warnings: [...module.warnings, ...builder.warnings],
  };
}
