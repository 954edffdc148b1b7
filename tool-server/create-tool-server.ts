import express, { type RequestHandler } from "express";
import { errorMiddleware } from "../lib/error-middleware.ts";
import { HttpError } from "../lib/http-error.ts";
import { metricsEndpoint } from "../lib/metrics-endpoint.ts";
import { requireKeyOrPerson, type PersonAuth } from "./auth/oauth/person-auth.ts";
import { buildOpenApiDocument } from "./openapi/build-openapi-document.ts";
import { toolServerInfo } from "./openapi/tool-server-info.ts";
import { corsForOrigins } from "./cors-for-origins.ts";
import { createSwaggerDocs } from "./swagger-docs.ts";
import type { ToolDefinition, ToolDependencies } from "./tool-definition.ts";
import type { ToolServerMetrics } from "./tool-server-metrics.ts";
import { callContextFromRequest } from "./call-context-from-request.ts";
import { callTool } from "./call-tool.ts";
import { mountMcpEndpoint } from "./mcp/mount-mcp-endpoint.ts";
import { toolServerKeyRefusal } from "./tool-server-key-refusal.ts";

export interface ToolServerOptions {
  tools: readonly ToolDefinition[];
  deps: ToolDependencies;
  apiKey: string;
  /** Browser origins allowed to call us directly (user-level tool servers in Open WebUI). */
  corsOrigins: readonly string[];
  version: string;
  /** Served on GET /metrics (behind `metricsToken` when set) and told about every tool call. */
  metrics?: ToolServerMetrics;
  metricsToken?: string | null;
  /** The OAuth connection mode: its endpoints, and people's tokens accepted besides the key. */
  oauth?: PersonAuth;
}

export function createToolServer(options: ToolServerOptions) {
  const { deps } = options;
  const document = buildOpenApiDocument(options.tools, toolServerInfo(options.version));
  // Built once; Open WebUI fetches it at startup and whenever the connection is saved.
  const documentJson = JSON.stringify(document);

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(corsForOrigins(options.corsOrigins));

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/openapi.json", (_req, res) => {
    res.type("application/json").send(documentJson);
  });
  // The OAuth connection's metadata, sign-in and token endpoints; people's tokens then pass the bearer check.
  if (options.oauth) app.use(options.oauth.router);
  const auth = requireKeyOrPerson(options.apiKey, toolServerKeyRefusal, options.oauth);
  const json = express.json({ limit: "256kb", strict: false });
  for (const tool of options.tools) {
    // Counted as answered, refusals included: a wrong key or a refused write is what an operator looks for.
    const counted: RequestHandler = (_req, res, next) => {
      const started = process.hrtime.bigint();
      res.on("finish", () =>
        options.metrics?.toolCall(tool.name, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9),
      );
      next();
    };
    app.post(`/${tool.name}`, counted, auth, json, async (req, res) => {
      const result = await callTool(tool, req.body, await callContextFromRequest(req, res, deps.runs), deps);
      res.json(result);
    });
  }

  mountMcpEndpoint(app, { tools: options.tools, deps, auth, version: options.version, metrics: options.metrics });

  // After the tools, so a tool call does not pass through these routers' matching.
  app.use(createSwaggerDocs({ title: document.info.title }));
  if (options.metrics) app.use(metricsEndpoint(options.metrics.registry, options.metricsToken ?? null));

  app.use((req, _res, next) => {
    next(new HttpError(404, `No such endpoint: ${req.method} ${req.path}. The tools are listed in /openapi.json.`));
  });
  app.use(errorMiddleware(deps.logger));
  return app;
}
