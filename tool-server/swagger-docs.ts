import { Router, type RequestHandler } from "express";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { escapeHtml } from "../lib/escape-html.ts";

// Swagger UI from the installed package, never a CDN: the tool server often runs where browsers
// reach nothing else, and a CDN script would run with the API key typed into Authorize.
const distDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const assets = new Map(
  ["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"].map((name) => [name, join(distDir, name)]),
);

// Relative addresses throughout, so the page also works behind a proxy that adds a path prefix.
// No validator (it would send the document to swagger.io) and no stored key.
const initScript = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: new URL("openapi.json", window.location.href).href,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis]
  });
});
`;

// Swagger UI 5 runs under this without any violation (the browser test checks): no inline script or
// style, no eval, icons as data: images, and it fetches only from here (the document, and calls made with "Try it out").
const csp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const headers: RequestHandler = (_req, res, next) => {
  res.set({ "Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer" });
  next();
};

/** Interactive docs at /docs, as FastAPI-based tool servers have: Swagger UI over /openapi.json. */
export function createSwaggerDocs(options: { title: string }) {
  const router = Router();
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(options.title)} - Swagger UI</title>
<link rel="icon" type="image/png" href="docs/favicon-32x32.png">
<link rel="stylesheet" href="docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body></html>`;

  router.use("/docs", headers);
  router.get("/docs", (req, res) => {
    // "/docs/" would make every relative address above point one folder too deep.
    if (req.originalUrl.split("?")[0]!.endsWith("/")) return res.redirect(301, "../docs");
    res.set("Cache-Control", "no-cache").type("html").send(page);
  });
  router.get("/docs/init.js", (_req, res) => {
    res.set("Cache-Control", "no-cache").type("js").send(initScript);
  });
  router.get("/docs/:asset", (req, res, next) => {
    const file = assets.get(String(req.params.asset));
    if (!file) return next();
    res.sendFile(file, { maxAge: "1d" });
  });
  return router;
}
