import { spawn } from "node:child_process";
import { CommandError } from "./errors.js";

export type RunOptions = { readonly input?: string; readonly timeoutMs?: number };

/** Runs a command without a shell; rejects with a CommandError carrying its status and stderr. */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], timeout: opts.timeoutMs ?? 60_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) =>
      reject(new CommandError(command, args, (e as NodeJS.ErrnoException).code ?? null, e.message)),
    );
    child.on("close", (code, signal) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new CommandError(command, args, code ?? signal, stderr));
    });
    child.stdin.on("error", () => {}); // the command may exit before reading everything; its status tells
    child.stdin.end(opts.input ?? "");
  });
}

/** Runs `fn` over `items` with at most `limit` at a time; rejects with the first error after all have settled. */
export async function eachLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
  return results;
}
