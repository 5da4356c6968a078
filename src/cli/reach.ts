import { cloudReach, PROTOCOL_NUMBERS, useCloud } from "../analyze/cloud/cloud-reach.js";
import { reach as evaluateReach } from "../analyze/reach/reach.js";
import { UsageError } from "../errors/input-error.js";
import { cloudReachJson, cloudReachText } from "../report/cloud-reach-report.js";
import { explainText, REACH_FORMATS, reachJson, reachText } from "../report/reach-report.js";
import { type GlobalOptions, loadForCommand, parseChoice, parseProtocol, requirePort } from "./common.js";
import { type MeshFlags, parseMeshOptions, parseRequest } from "./mesh-options.js";

export type ReachOptions = GlobalOptions &
  MeshFlags & {
    from?: string;
    to?: string;
    port?: string;
    protocol?: string;
    format?: string;
  };

async function run(paths: string[], opts: ReachOptions, detailed: boolean): Promise<number> {
  const format = parseChoice(opts.format, REACH_FORMATS, "--format", "text");
  if (!opts.from) throw new UsageError("--from is required");
  if (!opts.to) throw new UsageError("--to is required");
  const port = requirePort(opts.port);
  const protocol = parseProtocol(opts.protocol);
  const request = parseRequest(opts);
  const mesh = parseMeshOptions(opts);
  const model = await loadForCommand(paths, opts);
  if (model.cloud && useCloud(model.cloud, model.workloads.length, opts.from, opts.to)) {
    const cloud = cloudReach(model.cloud, {
      from: opts.from,
      to: opts.to,
      port,
      protocol: PROTOCOL_NUMBERS[protocol] ?? 6,
    });
    process.stdout.write(format === "json" ? cloudReachJson(cloud) : cloudReachText(cloud, detailed));
    return cloud.allowed ? 0 : 1;
  }
  const result = evaluateReach(model, {
    from: opts.from,
    to: opts.to,
    port,
    protocol,
    request,
    plaintext: opts.plaintext === true,
    mesh,
  });
  if (format === "json") process.stdout.write(reachJson(result));
  else process.stdout.write(detailed ? explainText(result) : reachText(result));
  return result.allowed ? 0 : 1;
}

/** `ward reach`: allowed or denied, with the deciding rules; exit 0 when allowed, 1 when denied. */
export function reach(paths: string[], opts: ReachOptions): Promise<number> {
  return run(paths, opts, false);
}

/** `ward explain`: every policy that selects each end, each rule, peer and port, with file:line. */
export function explain(paths: string[], opts: ReachOptions): Promise<number> {
  return run(paths, opts, true);
}
