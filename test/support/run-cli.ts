import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = `${ROOT}dist/src/cli/main.js`;

export type CliResult = { code: number; stdout: string; stderr: string };

/** Runs the built `ward` CLI from the repository root, as a user would. */
export function ward(args: string[], input?: string): CliResult {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, input: input ?? "", encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
