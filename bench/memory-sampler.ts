import { readFileSync, writeFileSync } from "node:fs";
import { Worker } from "node:worker_threads";

/**
 * Samples the process's RSS from a worker thread every few milliseconds, so the peak of a long synchronous
 * phase on the main thread is seen. RSS is process-wide, so the worker sees the main thread's memory too.
 */
export class MemorySampler {
  private readonly peakKiB = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;

  constructor(intervalMs = 5) {
    const code = `
      const { workerData } = require("node:worker_threads");
      const peak = new Int32Array(workerData.buffer);
      setInterval(() => {
        const kib = Math.round(process.memoryUsage.rss() / 1024);
        if (kib > Atomics.load(peak, 0)) Atomics.store(peak, 0, kib);
      }, ${intervalMs});
    `;
    this.worker = new Worker(code, { eval: true, workerData: { buffer: this.peakKiB.buffer } });
    this.worker.unref();
  }

  /** Starts a new peak from the current RSS. */
  reset(): void {
    Atomics.store(this.peakKiB, 0, Math.round(process.memoryUsage.rss() / 1024));
  }

  /** Highest RSS seen since the last reset, in bytes (including the current RSS). */
  peak(): number {
    const now = process.memoryUsage.rss();
    return Math.max(now, Atomics.load(this.peakKiB, 0) * 1024);
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The process's peak RSS since start (or since resetPeakRss), in bytes: Linux's VmHWM, else getrusage's maxrss.
 */
export function processPeakRss(): number {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    if (m?.[1] !== undefined) return Number(m[1]) * 1024;
  } catch {
    // Not Linux: fall through.
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Resets Linux's peak-RSS mark (VmHWM) to the current RSS, so generation does not count. False if unsupported. */
export function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}
