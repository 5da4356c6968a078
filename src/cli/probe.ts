import { probeLab } from "../dataplane/probe/probe-lab.js";
import { disagreements } from "../dataplane/probe/probe-report.js";
import { UsageError } from "../errors/input-error.js";
import { PROBE_FORMATS, probeJson, probeText } from "../report/probe-report.js";
import { parseChoice, parsePort, parseProtocol } from "./common.js";
import { dataplaneErrors } from "./dataplane-errors.js";

export type ProbeOptions = { port?: string; protocol?: string; format?: string; timeout?: string };

/** `ward probe LAB`: real connections vs the prediction; exit 1 on any disagreement. */
export async function probe(lab: string, opts: ProbeOptions): Promise<number> {
  const format = parseChoice(opts.format, PROBE_FORMATS, "--format", "text");
  const port = parsePort(opts.port);
  const timeoutMs = opts.timeout === undefined ? undefined : Number(opts.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 10 && timeoutMs <= 60_000))
    throw new UsageError(`--timeout: "${opts.timeout}" is not a number of milliseconds from 10 to 60000`);
  const report = await dataplaneErrors(() =>
    probeLab(lab, {
      ...(port === undefined ? {} : { port }),
      ...(opts.protocol === undefined ? {} : { protocol: parseProtocol(opts.protocol) }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    }),
  );
  process.stdout.write(format === "json" ? probeJson(report) : probeText(report));
  return disagreements(report).length > 0 ? 1 : 0;
}
