/** One problem in the input, as data: tests assert on `code`, the CLI renders `file:line: path: message`. */
export type InputProblem = {
  readonly code: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  /** Field path inside the object, e.g. "spec.ingress[0].ports[1].port". */
  readonly path?: string;
};

export function formatProblem(p: InputProblem): string {
  return `${p.file}:${p.line}: ${p.path ? `${p.path}: ` : ""}${p.message} [${p.code}]`;
}

/** Bad input: the CLI prints every problem and exits 2. */
export class InputError extends Error {
  override name = "InputError";
  readonly problems: readonly InputProblem[];
  constructor(problems: readonly InputProblem[]) {
    const sorted = [...problems].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
    super(sorted.map(formatProblem).join("\n"));
    this.problems = sorted;
  }
}

/** Bad command-line usage (unknown workload id, bad flag value): exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
