import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { entryPoint } from "../entry-point.js";
import { LabError } from "../errors.js";
import type { ResponderConfig, ResponderStatus } from "./protocol.js";

const READY_TIMEOUT_MS = 120_000;

/** Starts the lab's responder detached (it outlives `ward up`), waits until every socket is open; returns its pid. */
export function startResponder(config: ResponderConfig, logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, "a");
    const child = spawn(process.execPath, [entryPoint("server/responder"), config.lab], {
      detached: true,
      stdio: ["ignore", fd, fd, "ipc"],
    });
    closeSync(fd);
    const pid = child.pid;
    const fail = (message: string) => {
      clearTimeout(timer);
      if (pid !== undefined) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {}
      }
      reject(new LabError(config.lab, `the responder did not start: ${message} (log: ${logFile})`));
    };
    const timer = setTimeout(() => fail(`not ready after ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    child.once("error", (e) => fail(e.message));
    child.once("exit", (code) => fail(`exited with ${code}`));
    child.once("message", (status: ResponderStatus) => {
      if (status.kind === "error") return fail(status.message);
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.disconnect();
      child.unref();
      if (pid === undefined) return fail("no pid");
      resolve(pid);
    });
    child.send(config);
  });
}

/** Is `pid` this lab's responder (and not a process that reused the pid)? */
export async function isResponder(pid: number, lab: string): Promise<boolean> {
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
    return argv.some((a) => a.endsWith("responder.js")) && argv.includes(lab);
  } catch {
    return false;
  }
}

/** Stops the responder and waits (bounded) until it is gone, so its sockets no longer pin the namespaces. */
export async function stopResponder(pid: number, lab: string): Promise<boolean> {
  if (!(await isResponder(pid, lab))) return false;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return false;
  }
  for (let i = 0; i < 50; i++) {
    if (!(await isResponder(pid, lab))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {}
  return true;
}
