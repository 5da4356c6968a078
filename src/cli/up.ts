import { labNameFromPath } from "../dataplane/lab-plan.js";
import { labUp } from "../dataplane/lab-up.js";
import { UsageError } from "../errors/input-error.js";
import { type GlobalOptions, loadForCommand, parsePort } from "./common.js";
import { dataplaneErrors } from "./dataplane-errors.js";

export type UpOptions = GlobalOptions & {
  name?: string;
  maxNamespaces?: string;
  replicas?: string;
  ports?: string;
};

function positive(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max)
    throw new UsageError(`${flag}: "${value}" is not a number from 1 to ${max}`);
  return n;
}

/** `ward up PATH... [--name LAB]`: enforce the model on this host (namespaces + nftables), or re-apply its policies. */
export async function up(paths: string[], opts: UpOptions): Promise<number> {
  const name = opts.name ?? labNameFromPath(paths[0] ?? "lab");
  const maxNamespaces = positive(opts.maxNamespaces, "--max-namespaces", 9999);
  const replicas = positive(opts.replicas, "--replicas", 16);
  const ports = opts.ports?.split(",").map((p) => parsePort(p.trim(), "--ports") as number);
  const model = await loadForCommand(paths, opts);
  const result = await dataplaneErrors(() =>
    labUp(model, {
      name,
      sources: paths,
      ...(maxNamespaces === undefined ? {} : { maxNamespaces }),
      ...(replicas === undefined ? {} : { replicas }),
      ...(ports === undefined ? {} : { ports }),
    }),
  );
  const { plan, stats, timings } = result;
  const ms = (x: number) => `${Math.round(x)} ms`;
  const out: string[] = [];
  if (result.kind === "created") {
    const workloads = new Set(plan.pods.map((p) => p.workload)).size;
    out.push(
      `lab ${plan.name} is up: ${plan.pods.length} pod namespaces for ${workloads} workloads, router ${plan.router}, external ${plan.external} (${plan.externals.map((x) => `${x.address} for ${x.label}`).join(", ") || "no addresses"})`,
    );
    out.push(`serving TCP and UDP on ports ${plan.ports.join(", ")} (${result.sockets ?? 0} sockets)`);
  } else out.push(`lab ${plan.name}: policies re-applied atomically; established connections kept`);
  out.push(
    `nftables: ${stats.chains} chains, ${stats.rules} rules, ${stats.sets} sets (${stats.elements} elements); compile ${ms(timings.compileMs)}, apply ${ms(timings.applyMs)}, total ${ms(timings.totalMs)}`,
  );
  for (const note of result.notes) out.push(`note: ${note}`);
  out.push(`next: ward probe ${plan.name}   (ward down ${plan.name} removes it)`);
  process.stdout.write(`${out.join("\n")}\n`);
  return 0;
}
