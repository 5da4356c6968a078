import {
  type Cell,
  disagreements,
  type PairOutcome,
  type ProbeReport,
  type Query,
} from "../dataplane/probe/probe-report.js";

export const PROBE_FORMATS = ["text", "json"] as const;
export type ProbeFormat = (typeof PROBE_FORMATS)[number];

const MARK: Record<Cell, string> = { allowed: "✓", denied: "·", partial: "~", loopback: "○" };
const int = (n: number) => n.toLocaleString("en-US");
const label = (q: Query) => `${q.protocol}/${q.port}`;

function observedText(p: PairOutcome): string {
  const o = p.observed;
  if (o === undefined) return "not probed";
  const failures = Object.entries(o.outcomes)
    .filter(([k]) => k !== "answered")
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  return `${o.cell} (${o.answered} of ${o.total} connection(s) answered${failures ? `; ${failures}` : ""})`;
}

function grids(report: ProbeReport, query: Query, pairs: readonly PairOutcome[]): string[] {
  const ids = report.parties.map((p) => p.id);
  const n = ids.length;
  const index = new Map(ids.map((id, i) => [id, i]));
  const width = String(n).length + 3;
  const cells = { observed: ids.map(() => ids.map(() => " ")), predicted: ids.map(() => ids.map(() => " ")) };
  for (const p of pairs) {
    const i = index.get(p.from) as number;
    const j = index.get(p.to) as number;
    (cells.predicted[i] as string[])[j] = MARK[p.predicted];
    if (p.observed !== undefined)
      (cells.observed[i] as string[])[j] = `${MARK[p.observed.cell]}${p.status === "disagree" ? "!" : ""}`;
  }
  const nameWidth = Math.max(...report.parties.map((p) => p.label.length));
  const lead = width + 1 + nameWidth + 1;
  const gridWidth = n * width;
  const head = ids.map((_, i) => `[${i + 1}]`.padStart(width)).join("");
  const lines = [
    `${label(query).padEnd(lead)}${"observed".padEnd(gridWidth)}   predicted`,
    `${" ".repeat(lead)}${head}   ${head}`,
  ];
  report.parties.forEach((party, i) => {
    const row = (g: string[][]) => (g[i] as string[]).map((c) => c.padStart(width)).join("");
    lines.push(
      `${`[${i + 1}]`.padStart(width)} ${party.label.padEnd(nameWidth)} ${row(cells.observed)}   ${row(cells.predicted)}`,
    );
  });
  return lines;
}

export function probeText(report: ProbeReport): string {
  const lines: string[] = [];
  const workloads = report.parties.filter((p) => p.kind === "workload").length;
  const externals = report.parties.length - workloads;
  const ports = [...new Set(report.queries.map((q) => q.port))];
  const protocols = [...new Set(report.queries.map((q) => q.protocol))];
  lines.push(
    `ward probe ${report.lab}: ${workloads} workloads, ${externals} external address(es); ports ${ports.join(", ")}; ${protocols.join(", ")}`,
  );
  lines.push("  ✓ allowed   · denied   ~ some pod pairs only   ○ loopback   ! observed differs from predicted");
  lines.push(
    "  rows = from, columns = to; observed = real connections in the lab, predicted = ward matrix / ward reach",
  );
  for (const query of report.queries) {
    const pairs = report.pairs.filter((p) => p.query === query);
    if (pairs.every((p) => p.status === "not-probed")) continue;
    lines.push("");
    lines.push(...grids(report, query, pairs));
  }
  lines.push("");
  for (const c of report.capped)
    lines.push(`capped: ${c.workload} has ${c.inLab} of ${c.wanted} namespace(s) in the lab; predictions cover those`);
  const counts = { agree: 0, disagree: 0, "not-probed": 0 };
  for (const p of report.pairs) counts[p.status]++;
  for (const np of report.notProbed) {
    const n = report.pairs.filter((p) => p.status === "not-probed" && p.query.protocol === np.what).length;
    lines.push(`${np.what}: not probed — ${np.why} (${int(n)} pairs)`);
  }
  const other = report.pairs.filter(
    (p) => p.status === "not-probed" && !report.notProbed.some((np) => np.what === p.query.protocol),
  );
  for (const p of other) lines.push(`not probed: ${label(p.query)} ${p.from} → ${p.to}: ${p.why ?? ""}`);
  const s = report.stats;
  lines.push(
    `probed ${int(s.connections)} connections in ${(s.ms / 1000).toFixed(1)} s (${int(Math.round(s.perSecond))}/s, timeout ${s.timeoutMs} ms): ${int(s.answered)} answered${s.retried ? `; ${int(s.retried)} tried again` : ""}`,
  );
  lines.push(
    `pairs: ${int(counts.agree)} agree, ${int(counts.disagree)} disagree, ${int(counts["not-probed"])} not probed`,
  );
  const bad = disagreements(report);
  if (bad.length === 0) lines.push("No disagreements: the lab enforces exactly what ward predicts.");
  else {
    lines.push(`Disagreements (${bad.length}):`);
    for (const p of bad)
      lines.push(`  ${label(p.query)} ${p.from} → ${p.to}: observed ${observedText(p)}, predicted ${p.predicted}`);
  }
  return `${lines.join("\n")}\n`;
}

export function probeJson(report: ProbeReport): string {
  return `${JSON.stringify({ ...report, disagreements: disagreements(report) }, null, 2)}\n`;
}
