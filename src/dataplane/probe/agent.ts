import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import net from "node:net";
import { parseAnswer } from "../server/protocol.js";
import type { AgentRequest, ProbeOutcome, ProbeResult, ProbeTask } from "./agent-protocol.js";

/**
 * Run inside a source namespace (`ip netns exec NS node agent.js`): reads an AgentRequest on stdin, tries every
 * connection (a bounded number at a time, each with a timeout) and writes the ProbeResults as JSON on stdout.
 * TCP: connected and the expected namespace's answer line arrived. UDP: a datagram with a nonce, and the answer
 * carrying it back — a dropped datagram and a dropped answer both look like silence, which is what a drop is.
 */

function probeTcp(task: ProbeTask, timeoutMs: number): Promise<[ProbeOutcome, string | undefined]> {
  return new Promise((resolve) => {
    const socket = net.connect({
      host: task.host,
      port: task.port,
      ...(task.local ? { localAddress: task.local } : {}),
    });
    let buffer = "";
    const done = (outcome: ProbeOutcome, detail?: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve([outcome, detail]);
    };
    const timer = setTimeout(() => done("timeout"), timeoutMs);
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      const end = buffer.indexOf("\n");
      if (end < 0) return;
      const answer = parseAnswer(buffer.slice(0, end));
      if (answer?.netns === task.expect) done("answered");
      else done("misrouted", buffer.slice(0, end));
    });
    socket.on("error", (e: NodeJS.ErrnoException) =>
      done(e.code === "ECONNREFUSED" ? "refused" : "error", e.code ?? e.message),
    );
    socket.on("end", () => done("error", "closed without an answer"));
  });
}

function probeUdp(task: ProbeTask, timeoutMs: number): Promise<[ProbeOutcome, string | undefined]> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const nonce = randomBytes(6).toString("hex");
    let settled = false;
    const done = (outcome: ProbeOutcome, detail?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve([outcome, detail]);
    };
    const timer = setTimeout(() => done("timeout"), timeoutMs);
    socket.on("message", (msg) => {
      const answer = parseAnswer(msg.toString("utf8"));
      if (answer?.nonce !== nonce) return; // a late answer to someone else
      if (answer.netns === task.expect) done("answered");
      else done("misrouted", msg.toString("utf8").trim());
    });
    socket.on("error", (e: NodeJS.ErrnoException) =>
      done(e.code === "ECONNREFUSED" ? "refused" : "error", e.code ?? e.message),
    );
    socket.bind({ port: 0, ...(task.local ? { address: task.local } : {}) }, () => {
      // Connected, so an ICMP port unreachable surfaces as ECONNREFUSED instead of silence.
      socket.connect(task.port, task.host, () => socket.send(`probe ${nonce}`));
    });
  });
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const request = JSON.parse(Buffer.concat(chunks).toString("utf8")) as AgentRequest;
  const results: ProbeResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < request.tasks.length) {
      const task = request.tasks[next++] as ProbeTask;
      const t0 = performance.now();
      const [outcome, detail] =
        task.protocol === "TCP" ? await probeTcp(task, request.timeoutMs) : await probeUdp(task, request.timeoutMs);
      const ms = Math.round(performance.now() - t0);
      results.push(detail === undefined ? { id: task.id, outcome, ms } : { id: task.id, outcome, ms, detail });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(request.concurrency, request.tasks.length)) }, worker));
  process.stdout.write(JSON.stringify(results));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
