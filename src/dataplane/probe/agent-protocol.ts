/** One connection for an agent to try from its namespace. */
export type ProbeTask = {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly protocol: "TCP" | "UDP";
  /** Source address to bind (the external namespace owns several). */
  readonly local?: string;
  /** The namespace that must answer. */
  readonly expect: string;
};

export type AgentRequest = {
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly tasks: readonly ProbeTask[];
};

/**
 * answered: the expected namespace answered; timeout: nothing came back (a drop); refused: no listener or a reject;
 * misrouted: someone else answered; error: anything else (detail says what).
 */
export type ProbeOutcome = "answered" | "timeout" | "refused" | "misrouted" | "error";

export type ProbeResult = {
  readonly id: number;
  readonly outcome: ProbeOutcome;
  readonly ms: number;
  readonly detail?: string;
};
