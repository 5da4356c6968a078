/** What the lab's responder serves: every endpoint namespace, its addresses, and the ports (TCP and UDP) on each. */
export type ResponderConfig = {
  readonly lab: string;
  readonly ports: readonly number[];
  readonly endpoints: readonly ResponderEndpoint[];
};

export type ResponderEndpoint = {
  readonly netns: string;
  /** Who answers: a workload id, or "external". */
  readonly identity: string;
  readonly addresses: readonly string[];
};

export type ResponderStatus =
  | { readonly kind: "ready"; readonly sockets: number }
  | { readonly kind: "error"; readonly message: string };

/** The socket maker's messages: one per socket handed over (with the handle), then done. */
export type MakerMessage =
  | { readonly kind: "socket"; readonly protocol: "TCP" | "UDP"; readonly address: string; readonly port: number }
  | { readonly kind: "done"; readonly count: number }
  | { readonly kind: "error"; readonly message: string };

export type MakerRequest = { readonly addresses: readonly string[]; readonly ports: readonly number[] };

/** The first line every answer starts with: who answered, on which address, and who called. */
export function answerLine(netns: string, identity: string, local: string, caller: string, nonce = ""): string {
  return `ward ${netns} ${identity} ${local} ${caller}${nonce ? ` ${nonce}` : ""}\n`;
}

export type Answer = {
  readonly netns: string;
  readonly identity: string;
  readonly local: string;
  readonly caller: string;
  readonly nonce?: string;
};

export function parseAnswer(line: string): Answer | undefined {
  const parts = line.trim().split(" ");
  if (parts[0] !== "ward" || parts.length < 5) return undefined;
  const [, netns, identity, local, caller, nonce] = parts as [string, string, string, string, string, string?];
  return nonce === undefined ? { netns, identity, local, caller } : { netns, identity, local, caller, nonce };
}
