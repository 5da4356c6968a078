import dgram from "node:dgram";
import net from "node:net";
import type { MakerMessage, MakerRequest } from "./protocol.js";

/**
 * Run by the responder with `ip netns exec NS node socket-maker.js`: opens the listening sockets inside NS and hands
 * them over the IPC channel. A socket stays in the namespace it was made in, so one process serves every namespace.
 */
const send = (message: MakerMessage, handle?: net.Server | dgram.Socket): Promise<void> =>
  new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error("socket-maker needs an IPC channel"));
    process.send(message, handle as net.Server | undefined, {}, (e) => (e ? reject(e) : resolve()));
  });

function listenTcp(address: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ host: address, port, exclusive: true }, () => resolve(server));
  });
}

function bindUdp(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", reject);
    socket.bind({ address, port, exclusive: true }, () => resolve(socket));
  });
}

async function make(request: MakerRequest): Promise<void> {
  let count = 0;
  for (const address of request.addresses)
    for (const port of request.ports) {
      const server = await listenTcp(address, port);
      await send({ kind: "socket", protocol: "TCP", address, port }, server);
      server.close();
      const socket = await bindUdp(address, port);
      await send({ kind: "socket", protocol: "UDP", address, port }, socket);
      socket.close();
      count += 2;
    }
  await send({ kind: "done", count });
}

// `on`, not `once`: a listener keeps the IPC channel referenced until the last handle is acknowledged.
let started = false;
process.on("message", (request: MakerRequest) => {
  if (started) return;
  started = true;
  // Disconnecting (not exiting) lets the channel flush the last messages; with every socket closed, node then exits.
  make(request).then(
    () => process.disconnect(),
    async (e: unknown) => {
      process.exitCode = 1;
      await send({ kind: "error", message: e instanceof Error ? e.message : String(e) }).catch(() => undefined);
      process.disconnect();
    },
  );
});
