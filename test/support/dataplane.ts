import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { missingPrerequisites } from "../../src/dataplane/host.js";
import { labDown } from "../../src/dataplane/lab-down.js";
import { statePath } from "../../src/dataplane/lab-state.js";
import { listNamespaces } from "../../src/dataplane/netns/ip.js";

/**
 * End-to-end data plane tests need Linux, root, iproute2, nftables and network namespaces that nft works in. The
 * reason they are skipped, or undefined when they can run.
 */
export async function dataplaneSkipReason(): Promise<string | undefined> {
  const missing = await missingPrerequisites();
  if (missing.length > 0) return `needs ${missing.join(", ")}`;
  const probe = `wardchk${process.pid}`;
  try {
    execFileSync("ip", ["netns", "add", probe], { stdio: "pipe" });
    execFileSync("ip", ["netns", "exec", probe, "nft", "list", "tables"], { stdio: "pipe" });
    return undefined;
  } catch (e) {
    return `network namespaces with nftables do not work here: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
  } finally {
    try {
      execFileSync("ip", ["netns", "del", probe], { stdio: "pipe" });
    } catch {}
  }
}

/** A lab name unique to this test process (pid) and tag: `t<pid><tag>`, at most 10 characters. */
export function labName(tag: string): string {
  return `t${process.pid}${tag}`;
}

/** Removes every lab this process made (by `ward down`, then any namespace left with its prefix). */
export async function cleanUpLabs(tags: readonly string[]): Promise<void> {
  for (const tag of tags) await labDown(labName(tag)).catch(() => undefined);
  const mine = new RegExp(`^t${process.pid}[a-z]+-(r|x|\\d+)$`);
  for (const ns of await listNamespaces())
    if (mine.test(ns))
      try {
        execFileSync("ip", ["netns", "del", ns], { stdio: "pipe" });
      } catch {}
  for (const tag of tags) rmSync(statePath(labName(tag)), { force: true });
}

/** Namespaces of a lab that exist right now. */
export async function namespacesOf(lab: string): Promise<string[]> {
  const re = new RegExp(`^${lab}-(r|x|\\d+)$`);
  return (await listNamespaces()).filter((n) => re.test(n));
}

export function hostLinks(): string[] {
  return execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.split(":")[1]?.trim().split("@")[0] ?? "")
    .filter((n) => n !== "")
    .sort();
}

export function hostTables(): string[] {
  return execFileSync("nft", ["list", "tables"], { encoding: "utf8" }).split("\n").filter(Boolean).sort();
}
