import { readdir } from "node:fs/promises";
import { run } from "../exec.js";

/** `ip -batch`: many iproute2 commands in one process, optionally inside a network namespace (`-n`). */
export function ipBatch(lines: readonly string[], netns?: string, force = false): Promise<string> {
  if (lines.length === 0) return Promise.resolve("");
  const args = [...(netns === undefined ? [] : ["-n", netns]), ...(force ? ["-force"] : []), "-batch", "-"];
  return run("ip", args, { input: `${lines.join("\n")}\n`, timeoutMs: 120_000 });
}

/** Runs a command inside a network namespace. */
export function netnsExec(netns: string, command: string, args: readonly string[], input?: string): Promise<string> {
  return run("ip", ["netns", "exec", netns, command, ...args], input === undefined ? {} : { input });
}

/** Named network namespaces, as `ip netns list` shows them (the files under /run/netns). */
export async function listNamespaces(): Promise<string[]> {
  try {
    return (await readdir("/run/netns")).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}
