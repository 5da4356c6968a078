import { parseArgs } from "node:util";
import { getHeapStatistics } from "node:v8";
import { type ClassMatrix, computeClassMatrix } from "../src/analyze/matrix/class-matrix.js";
import { PortSetTable } from "../src/analyze/port-set.js";
import { buildModel } from "../src/load/index.js";
import { type ClusterShape, FOUNDATION_SHAPE, generateCluster, type InputFile } from "./generate-cluster.js";
import { MemorySampler, processPeakRss, resetPeakRss } from "./memory-sampler.js";

/**
 * `npm run bench`: the foundation issue's benchmark. Generates a seeded cluster (not timed), then times
 * load+parse (buildModel on the YAML text) and analysis (computeClassMatrix: every ordered pair of pods decided,
 * kept as one interned port-set id per pair of pod classes), with peak memory, against the targets:
 * analysis <= 2 s, analysis <= parse, peak RSS <= 1.5 GiB. Always exits 0 on a completed run: a benchmark, not a test.
 */

const TARGET_ANALYSIS_MS = 2000;
const TARGET_RSS_BYTES = 1.5 * 1024 ** 3;

type Options = ClusterShape & { readonly runs: number; readonly json: boolean };

type PhaseStats = {
  readonly runs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Highest RSS sampled during any run of the phase. */
  readonly peakRssBytes: number;
  /** Heap used at the end of a run, before collecting garbage. */
  readonly heapUsedBytes: number;
  /** Heap + array buffers still held by the phase's result after a full GC. */
  readonly retainedBytes: number;
};

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const ms = (x: number) => `${x.toFixed(0)} ms`;
const int = (n: number) => n.toLocaleString("en-US");

class UsageProblem extends Error {
  override name = "UsageProblem";
}

function usage(message: string): never {
  throw new UsageProblem(
    `${message}\nusage: npm run bench -- [--pods N] [--namespaces N] [--policies N] [--seed N] [--runs N] [--json]`,
  );
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      pods: { type: "string" },
      namespaces: { type: "string" },
      policies: { type: "string" },
      seed: { type: "string" },
      runs: { type: "string" },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  const num = (name: string, text: string | undefined, fallback: number, min: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) usage(`--${name} must be an integer >= ${min}, got "${text}"`);
    return n;
  };
  return {
    seed: num("seed", values.seed, FOUNDATION_SHAPE.seed, 0),
    namespaces: num("namespaces", values.namespaces, FOUNDATION_SHAPE.namespaces, 4),
    pods: num("pods", values.pods, FOUNDATION_SHAPE.pods, 0),
    policies: num("policies", values.policies, FOUNDATION_SHAPE.policies, 0),
    runs: num("runs", values.runs, 3, 1),
    json: values.json ?? false,
  };
}

function collect(): void {
  globalThis.gc?.();
}

function retainedNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Runs `fn` `runs` times, garbage-collecting between runs; returns the last result and the timings. */
function phase<T>(runs: number, sampler: MemorySampler, fn: () => T): { result: T; stats: PhaseStats } {
  const times: number[] = [];
  let result: T | undefined;
  let peakRss = 0;
  let heapUsed = 0;
  let retained = 0;
  for (let i = 0; i < runs; i++) {
    result = undefined; // let the previous run's result go before measuring the next
    collect();
    const before = retainedNow();
    sampler.reset();
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
    peakRss = Math.max(peakRss, sampler.peak());
    heapUsed = Math.max(heapUsed, getHeapStatistics().used_heap_size);
    collect();
    retained = retainedNow() - before;
  }
  if (result === undefined) throw new Error("phase produced no result");
  return {
    result,
    stats: {
      runs: times,
      medianMs: median(times),
      minMs: Math.min(...times),
      maxMs: Math.max(...times),
      peakRssBytes: peakRss,
      heapUsedBytes: heapUsed,
      retainedBytes: retained,
    },
  };
}

/** How many ordered pod pairs some port is allowed on, from the class matrix and class sizes (not timed). */
function allowedPodPairs(matrix: ClassMatrix): number {
  const sizes = new Float64Array(matrix.size);
  for (const c of matrix.classes.classOfPod) sizes[c] = (sizes[c] as number) + 1;
  let allowed = 0;
  for (let a = 0; a < matrix.size; a++) {
    const base = a * matrix.size;
    let row = 0;
    for (let b = 0; b < matrix.size; b++)
      if (matrix.allowed[base + b] !== PortSetTable.EMPTY) row += sizes[b] as number;
    allowed += row * (sizes[a] as number);
  }
  return allowed;
}

function inputBytes(inputs: readonly InputFile[]): number {
  return inputs.reduce((s, f) => s + Buffer.byteLength(f.text), 0);
}

type Check = { readonly name: string; readonly pass: boolean; readonly detail: string };

async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = parseOptions(argv);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const shape: ClusterShape = {
    seed: opts.seed,
    namespaces: opts.namespaces,
    pods: opts.pods,
    policies: opts.policies,
  };
  const log = (line = "") => {
    if (!opts.json) process.stdout.write(`${line}\n`);
  };
  if (globalThis.gc === undefined) log("note: run with node --expose-gc for GC between runs (npm run bench does)");

  log(
    `ward bench: seed ${shape.seed}, ${int(shape.namespaces)} namespaces, ${int(shape.pods)} pods, ${int(shape.policies)} policies`,
  );
  const g0 = performance.now();
  const inputs = generateCluster(shape);
  const generateMs = performance.now() - g0;
  const bytes = inputBytes(inputs);
  const lines = inputs.reduce((s, f) => s + f.text.split("\n").length, 0);
  log(`generated ${inputs.length} files, ${mib(bytes)}, ${int(lines)} lines of YAML in ${ms(generateMs)} (not timed)`);

  const sampler = new MemorySampler();
  collect();
  const peakWithGeneration = processPeakRss();
  const peakResettable = resetPeakRss();
  const rssBefore = process.memoryUsage.rss();

  const parse = phase(opts.runs, sampler, () => buildModel(inputs));
  const model = parse.result;
  const analysis = phase(opts.runs, sampler, () => computeClassMatrix(model));
  const matrix = analysis.result;

  // After the reset, the kernel's high-water mark covers exactly parse+analysis; without it, trust the sampler.
  const peakRss = Math.max(
    parse.stats.peakRssBytes,
    analysis.stats.peakRssBytes,
    peakResettable ? processPeakRss() : 0,
  );
  const peakRssWithGeneration = Math.max(peakRss, peakWithGeneration);
  await sampler.stop();

  const pods = model.pods.length;
  const classes = matrix.size;
  const classPairs = classes * classes;
  const podPairs = pods * pods;
  const resultBytes = matrix.allowed.byteLength + matrix.classes.classOfPod.byteLength;
  const allowedPairs = allowedPodPairs(matrix);
  const ratio = parse.stats.medianMs > 0 ? analysis.stats.medianMs / parse.stats.medianMs : Number.POSITIVE_INFINITY;

  const checks: Check[] = [
    {
      name: `analysis <= ${TARGET_ANALYSIS_MS} ms`,
      pass: analysis.stats.medianMs <= TARGET_ANALYSIS_MS,
      detail: ms(analysis.stats.medianMs),
    },
    {
      name: "analysis <= load+parse",
      pass: analysis.stats.medianMs <= parse.stats.medianMs,
      detail: `${ms(analysis.stats.medianMs)} vs ${ms(parse.stats.medianMs)}, ratio ${ratio.toFixed(2)}`,
    },
    {
      name: `peak RSS <= ${mib(TARGET_RSS_BYTES)}`,
      pass: peakRss <= TARGET_RSS_BYTES,
      detail: mib(peakRss),
    },
  ];

  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          shape,
          runs: opts.runs,
          input: { files: inputs.length, bytes, lines, generateMs },
          model: {
            namespaces: model.namespaces.size,
            pods,
            workloads: model.workloads.length,
            policies: model.policies.length,
            warnings: model.warnings.length,
          },
          parse: parse.stats,
          analysis: analysis.stats,
          result: { classes, classPairs, podPairs, bytes: resultBytes, portSets: matrix.ports.size, allowedPairs },
          ratio,
          peakRssBytes: peakRss,
          peakRssWithGenerationBytes: peakRssWithGeneration,
          checks,
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }

  const row = (cells: string[]) =>
    `  ${(cells[0] ?? "").padEnd(12)}${cells
      .slice(1)
      .map((c) => c.padStart(11))
      .join("")}`;
  log();
  log(row(["phase", "median", "min", "max", "peak RSS", "retained"]));
  for (const [name, s] of [
    ["load+parse", parse.stats],
    ["analysis", analysis.stats],
  ] as const)
    log(row([name, ms(s.medianMs), ms(s.minMs), ms(s.maxMs), mib(s.peakRssBytes), mib(s.retainedBytes)]));
  log(
    `  (${opts.runs} runs each; runs: parse ${parse.stats.runs.map(ms).join(", ")}; analysis ${analysis.stats.runs.map(ms).join(", ")})`,
  );
  log();
  log(
    `model        ${int(model.namespaces.size)} namespaces, ${int(pods)} pods, ${int(model.workloads.length)} workloads, ${int(model.policies.length)} policies, ${int(model.warnings.length)} warnings`,
  );
  log(`classes      ${int(classes)} pod classes -> ${int(classPairs)} class pairs decided`);
  log(
    `pod pairs    ${int(podPairs)} ordered pod pairs decided (pods^2), ${((100 * allowedPairs) / Math.max(1, podPairs)).toFixed(2)}% allow some port`,
  );
  log(
    `result       ${mib(resultBytes)} compact (Uint32 port-set id per class pair + class of each pod), ${int(matrix.ports.size)} distinct port sets`,
  );
  log(`ratio        analysis/parse = ${ratio.toFixed(2)}`);
  log(
    `peak RSS     ${mib(peakRss)} during parse+analysis (baseline ${mib(rssBefore)} with the YAML text; ${mib(peakRssWithGeneration)} including generation)${peakResettable ? "" : " [peak could not be reset after generation]"}`,
  );
  log();
  for (const c of checks) log(`  ${c.pass ? "PASS" : "FAIL"}  ${c.name.padEnd(28)} ${c.detail}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 3;
  },
);

// Then the data plane benchmark (bench/dataplane.ts), in text mode; it skips itself without root and nftables.
process.once("beforeExit", () => {
  if (process.exitCode !== 0 || process.argv.includes("--json")) return;
  import("./dataplane.js")
    .then((m) => m.dataplaneBench())
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 3;
    });
});
