import type { CertProblem, CertReport } from "../certs/inspect.js";

export type CertsResult = {
  readonly certificates: readonly CertReport[];
  /** cert-manager configuration problems. */
  readonly problems: readonly CertProblem[];
  readonly now: string;
  readonly warn: readonly number[];
};

function problemLine(p: CertProblem): string {
  return `  ${p.severity.toUpperCase().padEnd(6)} ${p.rule} ${p.code}: ${p.message}`;
}

export function certsText(r: CertsResult): string {
  const lines: string[] = [];
  for (const c of r.certificates) {
    const where = `${c.source.file}:${c.source.line}`;
    const from = c.source.kind === "PEM" ? where : `${c.source.kind} ${c.source.namespace}/${c.source.name} (${where})`;
    lines.push(`${from}`);
    lines.push(`  subject:   ${c.subject}`);
    lines.push(`  SANs:      ${c.sans.length === 0 ? "(none)" : c.sans.join(", ")}`);
    lines.push(`  issuer:    ${c.issuer}`);
    const left = c.daysLeft < 0 ? `expired ${-c.daysLeft} day(s) ago` : `${c.daysLeft} day(s) left`;
    const crossed = c.threshold === undefined ? "" : `, under the ${c.threshold}-day threshold`;
    lines.push(`  not after: ${c.notAfter} (${left}${crossed})`);
    lines.push(`  key:       ${c.key}, signature ${c.signature}${c.ca ? ", CA:TRUE" : ""}`);
    for (const p of c.problems) lines.push(problemLine(p));
  }
  if (r.problems.length > 0) {
    lines.push("cert-manager:");
    for (const p of r.problems) lines.push(`${problemLine(p)} (${p.subject.file}:${p.subject.line})`);
  }
  const problems = r.certificates.reduce((n, c) => n + c.problems.length, 0) + r.problems.length;
  const crossed = r.certificates.filter((c) => c.threshold !== undefined).length;
  lines.push(
    `${r.certificates.length} certificate(s), ${crossed} under a threshold (${r.warn.join(",")} days), ${problems} problem(s); now ${r.now}`,
  );
  return `${lines.join("\n")}\n`;
}

export function certsJson(r: CertsResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
