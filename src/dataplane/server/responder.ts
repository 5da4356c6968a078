import { spawn } from "node:child_process";
import type dgram from "node:dgram";
import type net from "node:net";
import { entryPoint } from "../entry-point.js";
import { eachLimit } from "../exec.js";
import {
  answerLine,
  type MakerMessage,
  type ResponderConfig,
  type ResponderEndpoint,
  type ResponderStatus,
} from "./protocol.js";

/**
 * The lab's daemon (`node responder.js LAB`, detached by `ward up`): holds a TCP and a UDP socket on every port of
 * every endpoint address, each made inside its namespace by a short-lived socket maker. TCP: answers with one line
 * naming the namespace, the workload and the caller, then echoes what it receives (so a connection can be held open).
 * UDP: answers each datagram with the same line and the datagram's text.
 */
const MAKERS_AT_ONCE = 8;

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

function serveTcp(server: net.Server, endpoint: ResponderEndpoint): void {
  server.on("connection", (socket) => {
    socket.on("error", () => socket.destroy());
    const local = `${socket.localAddress}:${socket.localPort}`;
    const caller = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.write(answerLine(endpoint.netns, endpoint.identity, local, caller));
    socket.on("data", (chunk) => socket.write(chunk));
  });
  server.on("error", (e) => log(`tcp ${endpoint.netns}: ${e.message}`));
}

function serveUdp(socket: dgram.Socket, endpoint: ResponderEndpoint, address: string, port: number): void {
  socket.on("message", (msg, from) => {
    const nonce = msg.toString("utf8").trim().split(/\s+/).pop() ?? "";
    const line = answerLine(
      endpoint.netns,
      endpoint.identity,
      `${address}:${port}`,
      `${from.address}:${from.port}`,
      nonce,
    );
    socket.send(line, from.port, from.address);
  });
  socket.on("error", (e) => log(`udp ${endpoint.netns}: ${e.message}`));
}

function openSockets(endpoint: ResponderEndpoint, ports: readonly number[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const maker = spawn("ip", ["netns", "exec", endpoint.netns, process.execPath, entryPoint("server/socket-maker")], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let received = 0;
    maker.on("message", (message: MakerMessage, handle?: net.Server | dgram.Socket) => {
      if (message.kind === "socket" && handle !== undefined) {
        received++;
        if (message.protocol === "TCP") serveTcp(handle as net.Server, endpoint);
        else serveUdp(handle as dgram.Socket, endpoint, message.address, message.port);
      } else if (message.kind === "done") {
        if (message.count === received) resolve(received);
        else reject(new Error(`${endpoint.netns}: ${received} of ${message.count} sockets arrived`));
      } else if (message.kind === "error") reject(new Error(`${endpoint.netns}: ${message.message}`));
    });
    maker.on("error", reject);
    maker.on("exit", (code) => {
      if (code !== 0) reject(new Error(`${endpoint.netns}: socket maker exited with ${code}`));
    });
    maker.send({ addresses: endpoint.addresses, ports });
  });
}

async function start(config: ResponderConfig): Promise<number> {
  const counts = await eachLimit(config.endpoints, MAKERS_AT_ONCE, (e) => openSockets(e, config.ports));
  return counts.reduce((a, b) => a + b, 0);
}

const report = (status: ResponderStatus) => {
  process.send?.(status);
  process.disconnect?.();
};

process.on("SIGTERM", () => process.exit(0));
process.once("message", (config: ResponderConfig) => {
  start(config).then(
    (sockets) => {
      log(`lab ${config.lab}: ${config.endpoints.length} endpoints, ${sockets} sockets`);
      report({ kind: "ready", sockets });
    },
    (e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      log(`lab ${config.lab}: ${message}`);
      report({ kind: "error", message });
      process.exit(1);
    },
  );
});
