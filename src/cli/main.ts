#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { InputError, UsageError } from "../errors/input-error.js";

/** Exit codes: 0 ok, 1 denied or findings, 2 bad input or usage, 3 internal error. */
export const EXIT = { ok: 0, finding: 1, input: 2, internal: 3 } as const;

function program(): Command {
  const cli = new Command("ward")
    .description("Who can talk to whom, on which port, with which identity — and why.")
    .version("0.1.0")
    .option("-v, --verbose", "list objects Ward does not evaluate, and load statistics")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const formatOption = (choices: string[]) => new Option("--format <format>", "output format").choices(choices);
  const collect = (value: string, previous: string[]) => [...previous, value];
  const terraformOptions = (c: Command) =>
    c
      .option("--var <name=value>", "Terraform input: a variable's value (repeatable)", collect, [])
      .option("--var-file <file>", "Terraform input: a .tfvars file (repeatable)", collect, []);

  terraformOptions(cli.command("matrix"))
    .description("every ordered pair of workloads: allowed or denied, on which ports")
    .argument("<paths...>", "files, directories or - for stdin")
    .option("--port <port>", "decide one port instead of listing allowed ports")
    .option("--protocol <protocol>", "TCP, UDP or SCTP (default TCP)")
    .addOption(
      new Option("--layer <layer>", "which layers decide: cluster, mesh or all (default all)").choices([
        "cluster",
        "mesh",
        "all",
      ]),
    )
    .option("--trust-domain <domain>", "mesh trust domain (default cluster.local)")
    .option("--cluster-networks <cidrs>", "Linkerd clusterNetworks, comma-separated (default Linkerd's)")
    .addOption(formatOption(["text", "json", "csv", "md", "dot", "mermaid"]))
    .action(async (paths: string[], opts, cmd: Command) => {
      const { matrix } = await import("./matrix.js");
      process.exitCode = await matrix(paths, { ...cmd.optsWithGlobals(), ...opts });
    });

  for (const [name, description] of [
    ["reach", "is this connection allowed? exit 0 allowed, 1 denied"],
    ["explain", "every policy, rule, peer and port that decides a connection, with file:line"],
  ] as const) {
    terraformOptions(cli.command(name))
      .description(description)
      .argument("<paths...>", "files, directories or - for stdin")
      .requiredOption("--from <endpoint>", "workload id <namespace>/<name>, workload name, IP or CIDR")
      .requiredOption("--to <endpoint>", "workload id <namespace>/<name>, workload name, IP or CIDR")
      .requiredOption("--port <port>", "destination port")
      .option("--protocol <protocol>", "TCP, UDP or SCTP (default TCP)")
      .option("--method <method>", "mesh/L7: the HTTP method")
      .option("--path <path>", "mesh/L7: the HTTP path")
      .option("--host <host>", "mesh/L7: the HTTP host (authority)")
      .option("--header <name=value>", "mesh/L7: a request header (repeatable)", collect, [])
      .option("--plaintext", "the client sends plaintext, as if it had no sidecar")
      .option("--trust-domain <domain>", "mesh trust domain (default cluster.local)")
      .option("--cluster-networks <cidrs>", "Linkerd clusterNetworks, comma-separated (default Linkerd's)")
      .addOption(formatOption(["text", "json"]))
      .action(async (paths: string[], opts, cmd: Command) => {
        const commands = await import("./reach.js");
        process.exitCode = await commands[name](paths, { ...cmd.optsWithGlobals(), ...opts });
      });
  }
  cli
    .command("verify")
    .description("compare an intent (ward.yaml) with the configuration; exit 1 on any difference")
    .argument("<intent>", "the intent file (ward.yaml)")
    .argument("<paths...>", "files, directories or - for stdin")
    .addOption(formatOption(["text", "json", "md"]))
    .action(async (intent: string, paths: string[], opts, cmd: Command) => {
      const { verify } = await import("./verify.js");
      process.exitCode = await verify(intent, paths, { ...cmd.optsWithGlobals(), ...opts });
    });

  cli
    .command("generate")
    .description("least-privilege policies from an intent (ward.yaml) or from observed flows")
    .argument("[paths...]", "the workloads (files, directories or -): selectors come from their labels")
    .option("--from-intent <file>", "the intent file (ward.yaml)")
    .option("--from-flows <files...>", "Hubble JSON, AWS VPC flow logs (v2) or Ward JSONL files")
    .option("--target <target>", "networkpolicy (default), istio or cilium")
    .option("--mode <mode>", "with --from-flows: audit, deny, relax or enforce (default)")
    .option("--cluster <paths...>", "with --from-flows: the cluster, to map flow endpoints to workloads")
    .action(async (paths: string[], opts, cmd: Command) => {
      const { generate } = await import("./generate.js");
      process.exitCode = await generate(paths, { ...cmd.optsWithGlobals(), ...opts });
    });

  cli
    .command("diff")
    .description("connectivity delta between two configurations; exit 1 when it changed")
    .argument("<old>", "the configuration before (file or directory)")
    .argument("<new>", "the configuration after (file or directory)")
    .addOption(formatOption(["text", "json", "md"]))
    .action(async (before: string, after: string, opts, cmd: Command) => {
      const { diff } = await import("./diff.js");
      process.exitCode = await diff(before, after, { ...cmd.optsWithGlobals(), ...opts });
    });

  cli
    .command("blast-radius")
    .description("everything reachable from a compromised workload, transitively, with the path of each hop")
    .argument("<paths...>", "files, directories or - for stdin")
    .requiredOption("--from <workload>", "the compromised workload: <namespace>/<name> or a unique name")
    .option("--hops <n>", "stop after n hops")
    .addOption(formatOption(["text", "json"]))
    .action(async (paths: string[], opts, cmd: Command) => {
      const { blastRadius } = await import("./blast-radius.js");
      process.exitCode = await blastRadius(paths, { ...cmd.optsWithGlobals(), ...opts });
    });

  terraformOptions(cli.command("exposure"))
    .description("for each workload: who can reach it from outside its namespace, and which rules allow it")
    .argument("<paths...>", "files, directories or - for stdin")
    .addOption(formatOption(["text", "json"]))
    .action(async (paths: string[], opts, cmd: Command) => {
      const { exposure } = await import("./exposure.js");
      process.exitCode = await exposure(paths, { ...cmd.optsWithGlobals(), ...opts });
    });

  cli
    .command("up")
    .description("enforce the model on this host: a network namespace per pod, nftables in a router (Linux, root)")
    .argument("<paths...>", "files, directories or - for stdin")
    .option("--name <lab>", "lab name (default: the first path's name)")
    .option("--max-namespaces <n>", "cap on pod namespaces (default 300)")
    .option("--replicas <n>", "namespaces per workload with replicas (default 2)")
    .option("--ports <list>", "ports to serve and probe, comma-separated (default: from the model)")
    .action(async (paths: string[], opts, cmd: Command) => {
      const { up } = await import("./up.js");
      process.exitCode = await up(paths, { ...cmd.optsWithGlobals(), ...opts });
    });

  cli
    .command("down")
    .description("remove a lab: every namespace, link and nftables table it made")
    .argument("<lab>", "lab name")
    .action(async (lab: string) => {
      const { down } = await import("./down.js");
      process.exitCode = await down(lab);
    });

  cli
    .command("probe")
    .description("real connections in a lab vs ward matrix's prediction; exit 1 on any disagreement")
    .argument("<lab>", "lab name")
    .option("--port <port>", "probe one port (default: every port the lab serves)")
    .option("--protocol <protocol>", "TCP, UDP or SCTP (default: all three; SCTP is reported as not probed)")
    .option("--timeout <ms>", "how long a connection may take before it counts as dropped (default 1000)")
    .addOption(formatOption(["text", "json"]))
    .action(async (lab: string, opts) => {
      const { probe } = await import("./probe.js");
      process.exitCode = await probe(lab, opts);
    });

  cli
    .command("audit")
    .description("every pitfall, proved by the engine; exit 1 on findings at or above --fail-on (default high)")
    .argument("<paths...>", "files, directories or - for stdin")
    .addOption(formatOption(["text", "json", "sarif"]))
    .option("--fail-on <severity>", "high (default), medium or low")
    .option("--rule <ids...>", "only these rule ids (see docs/rules.md)")
    .option("--skip <ids...>", "leave out these rule ids")
    .action(async (paths: string[], opts, cmd: Command) => {
      const { audit } = await import("./audit.js");
      process.exitCode = await audit(paths, { ...cmd.optsWithGlobals(), ...opts });
    });

  cli
    .command("certs")
    .description(
      "certificates (PEM, TLS Secrets) and cert-manager objects: expiry, chain, keys; exit 1 on the last threshold or a high problem",
    )
    .argument("<paths...>", "files (.pem .crt .cer, manifests), directories or - for stdin")
    .option("--now <time>", "ISO time to count days from (default: now)")
    .option("--warn <days>", "thresholds in days, comma-separated (default 60,30,7,1)")
    .option("--production", "treat every cert-manager issuer as production (ACME staging is then a finding)")
    .addOption(formatOption(["text", "json"]))
    .action(async (paths: string[], opts, cmd: Command) => {
      const { certs } = await import("./certs.js");
      process.exitCode = await certs(paths, { ...cmd.optsWithGlobals(), ...opts });
    });

  return cli;
}

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return EXIT.ok;
      return EXIT.input;
    }
    if (error instanceof InputError) {
      process.stderr.write(`error: ${error.problems.length} problem(s) in the input\n${error.message}\n`);
      return EXIT.input;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT.input;
    }
    process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.WARD_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return EXIT.internal;
  }
}

process.exitCode = await main(process.argv);
