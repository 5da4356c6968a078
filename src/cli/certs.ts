import { certManagerProblems, inspectCertificates } from "../certs/inspect.js";
import { readPemFiles } from "../certs/read-pem-files.js";
import { throwIfProblems } from "../certs/x509.js";
import { type InputProblem, UsageError } from "../errors/input-error.js";
import { certsJson, certsText } from "../report/certs-report.js";
import { type GlobalOptions, loadForCommand, parseChoice } from "./common.js";

export type CertsOptions = GlobalOptions & { now?: string; warn?: string; format?: string; production?: boolean };

export const DEFAULT_WARN = [60, 30, 7, 1];

function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime()))
    throw new UsageError(`--now: "${value}" is not an ISO time (e.g. 2026-01-31T00:00:00Z)`);
  return d;
}

function parseWarn(value: string | undefined): number[] {
  if (value === undefined) return DEFAULT_WARN;
  const parts = value.split(",").map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p)) || parts.length === 0)
    throw new UsageError(`--warn: "${value}" is not a comma-separated list of days (e.g. 60,30,7,1)`);
  return parts.map(Number).sort((a, b) => b - a);
}

/**
 * `ward certs PATH...`: every certificate in PEM files (.pem .crt .cer) and Kubernetes TLS Secrets, and the
 * cert-manager Certificates and Issuers. Exit 1 when a certificate is at or under the smallest --warn threshold
 * (1 day by default, expired included) or has a high-severity problem (or a cert-manager object has one); else 0.
 */
export async function certs(paths: string[], opts: CertsOptions): Promise<number> {
  const format = parseChoice(opts.format, ["text", "json"] as const, "--format", "text");
  const now = parseNow(opts.now);
  const warn = parseWarn(opts.warn);
  if (paths.length === 0) throw new UsageError("no input: give at least one file, directory or - for stdin");
  const problems: InputProblem[] = [];
  const { pems, rest } = await readPemFiles(paths, problems);
  throwIfProblems(problems);
  const model = rest.length > 0 ? await loadForCommand(rest, opts) : undefined;
  const inputs = [
    ...pems.map((p) => ({
      pem: p.text,
      source: { kind: "PEM", name: p.file, file: p.file, line: 1 },
      origin: "file" as const,
    })),
    ...(model?.tls?.secrets ?? []).map((s) => ({ pem: s.pem, source: s.source, origin: "secret" as const })),
  ];
  const certificates = await inspectCertificates(inputs, { now, warn }, problems);
  throwIfProblems(problems);
  const managed = certManagerProblems(model?.tls, (ns) => model?.namespaces.get(ns)?.labels, {
    ...(opts.production ? { production: true } : {}),
  });
  const result = { certificates, problems: managed, now: now.toISOString(), warn };
  process.stdout.write(format === "json" ? certsJson(result) : certsText(result));
  const smallest = Math.min(...warn);
  const failing =
    certificates.some((c) => c.daysLeft <= smallest || c.problems.some((p) => p.severity === "high")) ||
    managed.some((p) => p.severity === "high");
  return failing ? 1 : 0;
}
