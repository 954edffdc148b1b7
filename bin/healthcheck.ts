// Docker's HEALTHCHECK for the one image that runs either service: exits 0 when the service in
// this container answers GET /health with 2xx, 1 otherwise (Docker treats any other code as 1 too).
// HEALTHCHECK_SERVICE says which service the container runs (docker-compose.yml sets it for the
// tool server), so the port comes from the same variable and default the service itself uses.
// `bin/start.ts` runs both in one process and starts the relay last, so "relay" covers it.
import { integer, optionalText, readEnvFields, throwProblems } from "../config/env-fields.ts";
import { loadDotEnv } from "./environment.ts";

loadDotEnv();
const { values, problems } = readEnvFields(process.env, {
  service: optionalText("HEALTHCHECK_SERVICE", "relay"),
  relayPort: integer("PORT", 8086, { min: 1, max: 65_535 }),
  toolServerPort: integer("TOOL_SERVER_PORT", 8087, { min: 1, max: 65_535 }),
});
const { service } = values;
const port = service === "tool-server" ? values.toolServerPort : values.relayPort;
// Only the service's own port counts: the other one may be anything in this container.
const ownProblems = problems.filter((problem) =>
  problem.startsWith(service === "tool-server" ? "TOOL_SERVER_PORT" : "PORT"),
);
if (service !== "relay" && service !== "tool-server")
  ownProblems.push(`HEALTHCHECK_SERVICE must be relay or tool-server, got "${service}"`);

try {
  throwProblems(ownProblems);
  // Under Docker's own --timeout, so a hung service reports itself here rather than as a killed check.
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4_000) });
  if (!response.ok) throw new Error(`${service} /health answered ${response.status}`);
  process.stdout.write(`${service} healthy on port ${port}\n`);
} catch (error) {
  const reason =
    error instanceof Error && error.cause instanceof Error
      ? `${error.message}: ${error.cause.message}`
      : (error as Error).message;
  process.stderr.write(`${service} unhealthy on port ${port}: ${reason}\n`);
  process.exitCode = 1;
}
