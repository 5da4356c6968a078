import type { InputProblem } from "../../errors/input-error.js";
import type { Warning } from "../../model/model.js";
import type { Attribute, Block, Expr } from "./hcl-ast.js";
import { childScope, evaluate, type Scope, toStringValue } from "./hcl-eval.js";
import { HclError, type InstanceValue, isList, isObject, typeName, UnknownValue, type Value } from "./hcl-value.js";

/** One instance of a resource after count / for_each expansion: `aws_subnet.private[0]`, `aws_subnet.az["a"]`. */
export type ResourceInstance = {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly key?: number | string;
  readonly block: Block;
  readonly scope: Scope;
};

/** A nested block (`ingress { … }`, or one iteration of a `dynamic` block) with the scope it evaluates in. */
export type NestedBlock = { readonly block: Block; readonly scope: Scope; readonly unknown?: string };

type ResourceDecl = { readonly type: string; readonly name: string; readonly block: Block };

/** Computed attributes that name another object Ward knows: the VPC's main route table, default NACL and SG. */
const SYNTHETIC: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  aws_vpc: {
    main_route_table_id: "main-route-table",
    default_route_table_id: "main-route-table",
    default_network_acl_id: "default-network-acl",
    default_security_group_id: "default-security-group",
  },
  // The gateway's default route table (terraform-transit-gateway.ts: defaultTgwRouteTableId).
  aws_ec2_transit_gateway: {
    association_default_route_table_id: "default-route-table",
    propagation_default_route_table_id: "default-route-table",
  },
};

export function syntheticId(vpcAddress: string, what: string): string {
  return `${vpcAddress}:${what}`;
}

/**
 * A Terraform root module: variables, locals and resources from every .tf file, evaluated on demand.
 * Configuration errors (unknown references, bad function arguments) become problems with file:line.
 */
export class TerraformModule {
  readonly problems: InputProblem[] = [];
  readonly warnings: Warning[] = [];
  private readonly variables = new Map<string, Block>();
  private readonly locals = new Map<string, { attr: Attribute; file: string }>();
  private readonly resources = new Map<string, ResourceDecl>();
  private readonly resourceTypes = new Set<string>();
  private readonly dataSources = new Set<string>();
  private readonly localCache = new Map<string, Value>();
  private readonly instanceCache = new Map<string, Value>();
  private readonly evaluating = new Set<string>();
  private readonly varValues: ReadonlyMap<string, Value>;

  constructor(blocks: readonly Block[], varValues: ReadonlyMap<string, Value>) {
    this.varValues = varValues;
    for (const b of blocks) {
      if (b.type === "variable" && b.labels[0] !== undefined) this.variables.set(b.labels[0], b);
      else if (b.type === "locals")
        for (const attr of b.attributes.values()) this.locals.set(attr.name, { attr, file: b.file });
      else if (b.type === "resource" && b.labels.length === 2) {
        const [type, name] = b.labels as [string, string];
        const key = `${type}.${name}`;
        const previous = this.resources.get(key);
        if (previous)
          this.problem(
            "duplicate-resource",
            `resource ${key} is already declared at ${previous.block.file}:${previous.block.line}`,
            b.file,
            b.line,
          );
        this.resources.set(key, { type, name, block: b });
        this.resourceTypes.add(type);
      } else if (b.type === "data" && b.labels.length === 2) this.dataSources.add(`${b.labels[0]}.${b.labels[1]}`);
    }
  }

  declaredVariables(): ReadonlySet<string> {
    return new Set(this.variables.keys());
  }

  variableType(name: string): string | undefined {
    const t = this.variables.get(name)?.attributes.get("type");
    return t ? exprText(t.expr) : undefined;
  }

  problem(code: string, message: string, file: string, line: number): void {
    // An expression evaluated twice (e.g. to check for unknowns, then to read it) reports its error once.
    if (this.problems.some((p) => p.code === code && p.file === file && p.line === line && p.message === message))
      return;
    this.problems.push({ code, message, file, line });
  }

  warn(code: string, message: string, file: string, line: number): void {
    this.warnings.push({ code, message, file, line });
  }

  /** The module scope: what a top-level expression in `file` can see. */
  scope(file: string): Scope {
    return {
      file,
      lookup: (name, line) => this.lookupRoot(name, line, file),
    };
  }

  private lookupRoot(name: string, line: number, file: string): Value {
    switch (name) {
      case "var":
        return this.namespace("var", (n, l) => this.variable(n, l, file));
      case "local":
        return this.namespace("local", (n, l) => this.local(n, l));
      case "data":
        return this.namespace("data", (type) =>
          this.namespace(`data.${type}`, (dname, l) => {
            if (!this.dataSources.has(`${type}.${dname}`))
              throw new HclError("unknown-reference", `data.${type}.${dname} is not declared`, l);
            return new UnknownValue(`data.${type}.${dname} is read from the provider at plan time`, file, l);
          }),
        );
      case "count":
      case "each":
        throw new HclError(
          "unknown-reference",
          `${name} is only available in a resource with ${name === "count" ? "count" : "for_each"}`,
          line,
        );
      case "path":
      case "terraform":
      case "module":
      case "self":
        return new UnknownValue(`${name}.* is not evaluated by Ward`, file, line);
    }
    if (this.resourceTypes.has(name)) return this.namespace(name, (rname, l) => this.resourceValue(name, rname, l));
    throw new HclError(
      "unknown-reference",
      `"${name}" is not declared (no variable, local or resource of that name)`,
      line,
    );
  }

  private namespace(address: string, get: (name: string, line: number) => Value): InstanceValue {
    return { address, type: "namespace", get };
  }

  private variable(name: string, line: number, file: string): Value {
    const decl = this.variables.get(name);
    if (!decl) throw new HclError("unknown-reference", `variable "${name}" is not declared`, line);
    if (this.varValues.has(name)) return this.varValues.get(name) as Value;
    const def = decl.attributes.get("default");
    if (def)
      return evaluate(def.expr, {
        file: decl.file,
        lookup: (n, l) => {
          throw new HclError("invalid-default", `a variable default cannot refer to "${n}"`, l);
        },
      });
    return new UnknownValue(
      `variable "${name}" has no default and no value (give --var ${name}=… or --var-file)`,
      file,
      line,
    );
  }

  private local(name: string, line: number): Value {
    const entry = this.locals.get(name);
    if (!entry) throw new HclError("unknown-reference", `local.${name} is not declared`, line);
    const cached = this.localCache.get(name);
    if (cached !== undefined) return cached;
    const key = `local.${name}`;
    if (this.evaluating.has(key)) throw new HclError("cycle", `local.${name} refers to itself`, line);
    this.evaluating.add(key);
    try {
      const v = evaluate(entry.attr.expr, this.scope(entry.file));
      this.localCache.set(name, v);
      return v;
    } finally {
      this.evaluating.delete(key);
    }
  }

  /** `aws_subnet.private` as an expression sees it: one instance, a list (count) or a map (for_each). */
  private resourceValue(type: string, name: string, line: number): Value {
    const decl = this.resources.get(`${type}.${name}`);
    if (!decl) throw new HclError("unknown-reference", `resource ${type}.${name} is not declared`, line);
    const key = `${type}.${name}`;
    const cached = this.instanceCache.get(key);
    if (cached !== undefined) return cached;
    const instances = this.expand(decl);
    let v: Value;
    if (instances instanceof UnknownValue) v = instances;
    else if (decl.block.attributes.has("count")) v = instances.map((i) => this.instanceValue(i));
    else if (decl.block.attributes.has("for_each")) {
      const out: Record<string, Value> = {};
      for (const i of instances) out[String(i.key)] = this.instanceValue(i);
      v = out;
    } else v = instances[0] ? this.instanceValue(instances[0]) : null;
    this.instanceCache.set(key, v);
    return v;
  }

  private instanceValue(inst: ResourceInstance): InstanceValue {
    return {
      address: inst.address,
      type: inst.type,
      get: (attr, line) => this.instanceAttr(inst, attr, line),
    };
  }

  private instanceAttr(inst: ResourceInstance, attr: string, line: number): Value {
    // `id` and `arn` identify the object; Ward names it by its address (the provider's id is not known yet).
    if (attr === "id" || attr === "arn") return inst.address;
    const synthetic = SYNTHETIC[inst.type]?.[attr];
    if (synthetic) return syntheticId(inst.address, synthetic);
    if (inst.block.attributes.has(attr)) return this.attr(inst, attr) ?? null;
    return new UnknownValue(
      `${inst.address}.${attr} is computed by AWS when the resource is created`,
      inst.block.file,
      line,
      inst.address,
    );
  }

  /** Expands count / for_each; an undecidable count is reported and the resource gets no instances. */
  private expand(decl: ResourceDecl): ResourceInstance[] | UnknownValue {
    const key = `${decl.type}.${decl.name}#expand`;
    if (this.evaluating.has(key))
      throw new HclError("cycle", `${decl.type}.${decl.name} refers to itself in count/for_each`, decl.block.line);
    this.evaluating.add(key);
    try {
      return this.expandNow(decl);
    } finally {
      this.evaluating.delete(key);
    }
  }

  private readonly expanded = new Map<string, ResourceInstance[] | UnknownValue>();

  private expandNow(decl: ResourceDecl): ResourceInstance[] | UnknownValue {
    const base = `${decl.type}.${decl.name}`;
    const done = this.expanded.get(base);
    if (done) return done;
    const file = decl.block.file;
    const scope = this.scope(file);
    const countAttr = decl.block.attributes.get("count");
    const forEachAttr = decl.block.attributes.get("for_each");
    let out: ResourceInstance[] | UnknownValue;
    if (countAttr) {
      const n = evaluate(countAttr.expr, scope);
      if (n instanceof UnknownValue) out = n;
      else if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
        throw new HclError(
          "invalid-count",
          `count must be a whole number, not ${typeName(n)} ${JSON.stringify(n)}`,
          countAttr.line,
        );
      else
        out = Array.from({ length: n }, (_, i) => ({
          address: `${base}[${i}]`,
          type: decl.type,
          name: decl.name,
          key: i,
          block: decl.block,
          scope: childScope(scope, { count: { index: i } }),
        }));
    } else if (forEachAttr) {
      const v = evaluate(forEachAttr.expr, scope);
      if (v instanceof UnknownValue) out = v;
      else {
        const pairs: [string, Value][] = [];
        if (isObject(v)) for (const k of Object.keys(v).sort()) pairs.push([k, v[k] as Value]);
        else if (isList(v)) for (const x of v) pairs.push([toStringValue(x, forEachAttr.line), x]);
        else
          throw new HclError(
            "invalid-for-each",
            `for_each must be a map or a set of strings, not ${typeName(v)}`,
            forEachAttr.line,
          );
        out = pairs.map(([k, val]) => ({
          address: `${base}[${JSON.stringify(k)}]`,
          type: decl.type,
          name: decl.name,
          key: k,
          block: decl.block,
          scope: childScope(scope, { each: { key: k, value: val } }),
        }));
      }
    } else out = [{ address: base, type: decl.type, name: decl.name, block: decl.block, scope }];
    this.expanded.set(base, out);
    return out;
  }

  /** Every resource instance of the module, in declaration order; undecidable ones are warned about and skipped. */
  instances(): ResourceInstance[] {
    const out: ResourceInstance[] = [];
    for (const decl of this.resources.values()) {
      try {
        const r = this.expand(decl);
        if (r instanceof UnknownValue)
          this.warn(
            "unknown-count",
            `${decl.type}.${decl.name}: cannot tell how many instances (${r.reason}); it is left out`,
            decl.block.file,
            decl.block.line,
          );
        else out.push(...r);
      } catch (error) {
        this.report(error, decl.block.file);
      }
    }
    return out;
  }

  /** Evaluates an attribute of an instance; a configuration error is recorded and yields undefined. */
  attr(inst: ResourceInstance, name: string): Value | undefined {
    const a = inst.block.attributes.get(name);
    if (!a) return undefined;
    return this.evalIn(a, inst.scope, `${inst.address}.${name}`);
  }

  evalIn(a: Attribute, scope: Scope, key: string): Value | undefined {
    if (this.evaluating.has(key)) {
      this.problem("cycle", `${key} refers to itself`, scope.file, a.line);
      return undefined;
    }
    this.evaluating.add(key);
    try {
      return evaluate(a.expr, scope);
    } catch (error) {
      this.report(error, scope.file);
      return undefined;
    } finally {
      this.evaluating.delete(key);
    }
  }

  /** Nested blocks of a type, with `dynamic "type"` blocks expanded (iterator named after the label). */
  nested(block: Block, scope: Scope, type: string): NestedBlock[] {
    const out: NestedBlock[] = [];
    for (const b of block.blocks) {
      if (b.type === type) out.push({ block: b, scope });
      else if (b.type === "dynamic" && b.labels[0] === type) {
        const forEach = b.attributes.get("for_each");
        const content = b.blocks.find((c) => c.type === "content");
        if (!forEach || !content) {
          this.problem("invalid-dynamic", `dynamic "${type}" needs for_each and a content block`, b.file, b.line);
          continue;
        }
        const iteratorAttr = b.attributes.get("iterator");
        const iterator = iteratorAttr?.expr.t === "var" ? iteratorAttr.expr.name : type;
        let coll: Value;
        try {
          coll = evaluate(forEach.expr, scope);
        } catch (error) {
          this.report(error, b.file);
          continue;
        }
        if (coll instanceof UnknownValue) {
          this.warn(
            "unknown-dynamic",
            `dynamic "${type}": cannot evaluate for_each (${coll.reason}); its ${type} blocks are unknown`,
            b.file,
            b.line,
          );
          out.push({
            block: { ...content, type, attributes: new Map(), blocks: [] },
            scope: childScope(scope, { [iterator]: coll }),
          });
          continue;
        }
        const pairs: [Value, Value][] = isList(coll)
          ? coll.map((v, i) => [i, v])
          : isObject(coll)
            ? Object.keys(coll)
                .sort()
                .map((k) => [k, coll[k] as Value])
            : [];
        for (const [k, v] of pairs)
          out.push({ block: { ...content, type }, scope: childScope(scope, { [iterator]: { key: k, value: v } }) });
      }
    }
    return out;
  }

  private report(error: unknown, file: string): void {
    if (error instanceof HclError) this.problem(error.code, error.message, file, error.line);
    else throw error;
  }
}

/** The source text of a simple type expression (`string`, `list(string)`), for choosing how to parse --var. */
function exprText(e: Expr): string {
  switch (e.t) {
    case "var":
      return e.name;
    case "call":
      return `${e.name}(${e.args.map(exprText).join(",")})`;
    case "lit":
      return String(e.v);
    default:
      return e.t;
  }
}
