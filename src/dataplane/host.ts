import { HostError } from "./errors.js";
import { run } from "./exec.js";

/** What this host lacks for a lab: Linux, root, iproute2, nftables. Empty when a lab can run here. */
export async function missingPrerequisites(): Promise<string[]> {
  const missing: string[] = [];
  if (process.platform !== "linux") return ["Linux"];
  if (process.getuid?.() !== 0) missing.push("root");
  const tools: [string, string[], string][] = [
    ["ip", ["-V"], "iproute2 (ip)"],
    ["nft", ["--version"], "nftables (nft)"],
  ];
  for (const [command, args, name] of tools) {
    try {
      await run(command, args, { timeoutMs: 10_000 });
    } catch {
      missing.push(name);
    }
  }
  return missing;
}

export async function requireHost(): Promise<void> {
  const missing = await missingPrerequisites();
  if (missing.length > 0) throw new HostError(missing);
}
