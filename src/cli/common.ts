import { UsageError } from "../errors/input-error.js";
import { loadModel } from "../load/index.js";
import type { Model } from "../model/model.js";
import { PROTOCOLS, type Protocol } from "../model/ports.js";

export type GlobalOptions = {
  readonly verbose?: boolean;
  /** Terraform input: --var name=value and --var-file path (repeatable). */
  readonly var?: readonly string[];
  readonly varFile?: readonly string[];
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Loads the model, printing warnings (and, with --verbose, the objects Ward does not evaluate) to stderr. */
export async function loadForCommand(paths: readonly string[], opts: GlobalOptions): Promise<Model> {
  if (paths.length === 0) throw new UsageError("no input: give at least one file, directory or - for stdin");
  const model = await loadModel([...paths], readStdin, {
    ...(opts.var?.length ? { vars: opts.var } : {}),
    ...(opts.varFile?.length ? { varFiles: opts.varFile } : {}),
  });
  for (const w of model.warnings) process.stderr.write(`warning: ${w.file}:${w.line}: ${w.message} [${w.code}]\n`);
  if (opts.verbose) {
    for (const r of model.ignored)
      process.stderr.write(
        `ignored: ${r.file}:${r.line}: ${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name} (not evaluated)\n`,
      );
    process.stderr.write(
      `loaded ${model.workloads.length} workloads (${model.pods.length} pods), ${model.policies.length} policies, ${model.namespaces.size} namespaces\n`,
    );
  }
  return model;
}

export function parsePort(value: string | undefined, flag = "--port"): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535)
    throw new UsageError(`${flag}: "${value}" is not a port number (1-65535)`);
  return n;
}

export function requirePort(value: string | undefined): number {
  const port = parsePort(value);
  if (port === undefined) throw new UsageError("--port is required");
  return port;
}

export function parseProtocol(value: string | undefined): Protocol {
  if (value === undefined) return "TCP";
  const upper = value.toUpperCase();
  const found = PROTOCOLS.find((p) => p === upper);
  if (!found) throw new UsageError(`--protocol: "${value}" is not one of ${PROTOCOLS.join(", ")}`);
  return found;
}

export function parseChoice<T extends string>(
  value: string | undefined,
  choices: readonly T[],
  flag: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  const found = choices.find((c) => c === value);
  if (!found) throw new UsageError(`${flag}: "${value}" is not one of ${choices.join(", ")}`);
  return found;
}
