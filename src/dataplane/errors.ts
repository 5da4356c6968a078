/** An external command (ip, nft) failed: carries the command line, exit status and what it printed. */
export class CommandError extends Error {
  override name = "CommandError";
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly status: number | string | null,
    readonly stderr: string,
  ) {
    super(`${command} ${args.join(" ")} failed (${status ?? "killed"}): ${stderr.trim() || "no output"}`);
  }
}

/** A lab cannot be built or used as asked: an unknown or invalid lab name, a topology that changed, a cap. */
export class LabError extends Error {
  override name = "LabError";
  constructor(
    readonly lab: string,
    message: string,
  ) {
    super(`lab ${lab}: ${message}`);
  }
}

/** The model cannot be compiled to nftables; nothing is applied. */
export class CompileError extends Error {
  override name = "CompileError";
  constructor(
    readonly subject: string,
    message: string,
  ) {
    super(`cannot compile ${subject}: ${message}`);
  }
}

/** The data plane needs root, iproute2 and nftables on Linux. */
export class HostError extends Error {
  override name = "HostError";
  constructor(readonly missing: readonly string[]) {
    super(`the data plane needs ${missing.join(", ")}`);
  }
}
