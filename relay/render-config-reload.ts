import type { ReloadResult } from "../config/config-holder.ts";
import { escapeHtml as e } from "../lib/escape-html.ts";

/** The header's "Reload config" button: reads openwebui-github.yml again, as SIGHUP does. */
export function reloadConfigForm(csrf: string): string {
  return `<form class="inline" method="post" action="/deliveries/reload-config">
<input type="hidden" name="csrf" value="${e(csrf)}">
<button type="submit">Reload config</button></form>`;
}

/** What a reload did: the file now in use, or each problem of the refused one (the old one stays). */
export function renderReloadResult(result: ReloadResult | undefined): string {
  if (!result) return "";
  if (result.ok)
    return `<section class="notice" role="status" data-config-reload="ok"><p>Config file ${result.changed ? "reloaded" : "reloaded, unchanged"}: ${e(result.summary)}</p></section>`;
  return `<section class="notice" role="alert" data-config-reload="refused">
<p>Config file refused; the one in use stays (${e(result.summary)}). Fix these and reload again:</p>
<ul>${result.problems.map((problem) => `<li><code>${e(problem)}</code></li>`).join("")}</ul></section>`;
}
