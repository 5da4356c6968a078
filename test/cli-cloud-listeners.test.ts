import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

const LISTENERS = "test/fixtures/terraform/listeners";

type Behind = {
  via: string;
  protocol: number;
  ports: number[][];
  listenerPorts?: number[];
  listenersUnknown?: boolean;
};
type Entry = {
  resource: string;
  exposed: { protocol: number; ports: number[][] }[];
  behind: Behind[];
  controls: { control: string; why: string }[];
};

function exposure(path: string): Entry[] {
  const r = ward(["exposure", path, "--format", "json"]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { cloud: Entry[] }).cloud;
}

describe("ward exposure through load balancer listeners and target groups", () => {
  const list = exposure(LISTENERS);
  const find = (name: string) => list.find((e) => e.resource === name);

  it("an app instance registered in the 443 listener's target group is behind the ALB on the target port 8080", () => {
    expect(find("app-0")?.behind).toEqual([
      { via: "web", protocol: 6, ports: [[8080, 8080]], listenerPorts: [443], targetGroups: ["app"] },
    ]);
  });

  it("a registration's port override is the port the target receives", () => {
    expect(find("app-1")?.behind.map((b) => b.ports)).toEqual([[[9090, 9090]]]);
  });

  it("the redirect-only listener on 80 forwards nothing", () => {
    for (const b of list.flatMap((e) => e.behind)) expect(b.listenerPorts).not.toContain(80);
  });

  it("an instance the security group admits but no target group registers is not behind the ALB", () => {
    expect(find("spare")?.behind).toEqual([]);
  });

  it("the ALB accepts on its listener ports and its control names them", () => {
    expect(find("web")?.exposed).toEqual([
      {
        protocol: 6,
        ports: [
          [80, 80],
          [443, 443],
        ],
      },
    ]);
    expect(find("web")?.controls.find((c) => c.control === "load balancer")?.why).toContain(
      "443 HTTPS → forward to app",
    );
  });

  it("text output shows the listener and target ports", () => {
    const r = ward(["exposure", LISTENERS]);
    expect(r.stdout).toContain(
      "behind internet-facing load balancer web: tcp 8080 via listener 443 (target group app)",
    );
  });

  it("without listeners in the files, today's answer stands and says the listeners are unknown", () => {
    const list = exposure("test/fixtures/terraform/no-listeners");
    const app = list.find((e) => e.resource === "app-0");
    expect(app?.behind).toEqual([{ via: "web", protocol: 6, ports: [[8080, 9090]], listenersUnknown: true }]);
    // Unregistered "spare" counts too: without target groups in the files, any instance the LB can reach may be one.
    expect(list.find((e) => e.resource === "spare")?.behind.map((b) => b.via)).toEqual(["web"]);
  });

  it("examples/aws-three-tier has its listeners: every app instance is behind web on 8080 via 443", () => {
    for (const dir of ["terraform", "terraform-show", "describe"]) {
      const list = exposure(`examples/aws-three-tier/${dir}`);
      for (const name of ["app-0", "app-1", "app-2"])
        expect(list.find((e) => e.resource === name)?.behind).toEqual([
          { via: "web", protocol: 6, ports: [[8080, 8080]], listenerPorts: [443], targetGroups: ["app"] },
        ]);
    }
  });

  it("aws elbv2 describe output gives the same answer: registered app-0 and app-1 are behind, app-2 is not", () => {
    const d = exposure("test/fixtures/aws/elbv2");
    const behind = (name: string) => d.find((e) => e.resource === name)?.behind;
    expect(behind("app-0")).toEqual([
      { via: "web", protocol: 6, ports: [[8080, 8080]], listenerPorts: [443], targetGroups: ["app"] },
    ]);
    expect(behind("app-1")?.map((b) => b.listenerPorts)).toEqual([[443]]);
    expect(behind("app-2")).toEqual([]);
  });
});
