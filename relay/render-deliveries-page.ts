import { createHash } from "node:crypto";
import { escapeHtml as e } from "../lib/escape-html.ts";
import type { DeliveryStatus } from "../store/delivery-log.ts";
import type { DeliveryView } from "./admin-api.ts";
import type { ReloadResult } from "../config/config-holder.ts";
import { reloadConfigForm, renderReloadResult } from "./render-config-reload.ts";
import { observedStyle, renderAgreement, renderObservedRow } from "./render-observed.ts";
import type { RuleAgreement } from "./rules/label-agreement.ts";

export const deliveryStatuses: readonly DeliveryStatus[] = ["pending", "running", "done", "failed", "dead", "ignored"];

/** While something shown is still in progress, the page reloads itself this often. */
export const refreshSeconds = 3;

const style = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{display:flex;gap:1rem;align-items:center;justify-content:space-between;padding:.75rem 1.25rem;background:#fff;border-bottom:1px solid #d0d7de}
h1{font-size:1.15rem;margin:0}
main{padding:1rem 1.25rem}
nav.filter a{margin-right:.35rem;padding:.15rem .6rem;border:1px solid #d0d7de;border-radius:1rem;color:inherit;text-decoration:none;background:#fff}
nav.filter a[aria-current=page]{background:#0969da;border-color:#0969da;color:#fff}
table{border-collapse:collapse;width:100%;margin-top:1rem;background:#fff}
th,td{border-bottom:1px solid #d0d7de;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
td.error{max-width:28rem;white-space:pre-wrap;overflow-wrap:anywhere;color:#8c1d18}
.status{font-weight:600;padding:0 .4rem;border-radius:.3rem}
.status-done{background:#dafbe1}.status-failed,.status-dead{background:#ffebe9}.status-pending,.status-running{background:#fff8c5}.status-ignored{background:#eaeef2}
.muted{color:#59636e}
.notice{padding:.5rem .75rem;border:1px solid #d4a72c;background:#fff8c5;border-radius:.3rem}
form.inline{display:inline;margin:0}
button{font:inherit;padding:.2rem .7rem;border:1px solid #d0d7de;border-radius:.3rem;background:#f6f8fa;cursor:pointer}
.sign-in{max-width:24rem;margin:4rem auto;background:#fff;border:1px solid #d0d7de;border-radius:.5rem;padding:1.5rem}
.sign-in input{display:block;width:100%;box-sizing:border-box;margin:.5rem 0 1rem;padding:.4rem;font:inherit}
${observedStyle}`;

/** The CSP admits exactly this inline stylesheet and no script at all. */
export const styleHash = `'sha256-${createHash("sha256").update(style).digest("base64")}'`;

function layout(title: string, body: string, head = ""): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">${head}
<title>${e(title)}</title><style>${style}</style></head>
<body>${body}</body></html>`;
}

export function renderSignIn(options: { error?: string } = {}): string {
  return layout(
    "Sign in: deliveries",
    `<main><form class="sign-in" method="post" action="/deliveries/sign-in">
<h1>openwebui-github deliveries</h1>
${options.error ? `<p class="notice" role="alert">${e(options.error)}</p>` : ""}
<label for="token">Admin token (RELAY_ADMIN_TOKEN)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form></main>`,
  );
}

function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

function formatTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

function link(url: string, text: string): string {
  return `<a href="${e(url)}" target="_blank" rel="noopener noreferrer">${e(text)}</a>`;
}

export interface DeliveriesPageInput {
  deliveries: DeliveryView[];
  status: DeliveryStatus | undefined;
  limit: number;
  csrf: string;
  /** Open WebUI as a browser reaches it, without a trailing slash. */
  openWebUIUrl: string;
  now: number;
  notice?: string;
  /** The result of the "Reload config" button, when this page answers it. */
  reload?: ReloadResult;
  /** Observe mode's label agreement per rule. */
  agreement?: readonly RuleAgreement[];
}

function row(d: DeliveryView, input: DeliveriesPageInput): string {
  const issue = d.repository ? `${d.repository}${d.issueNumber != null ? `#${d.issueNumber}` : ""}` : "";
  const issueCell = issue
    ? `${d.issueUrl ? link(d.issueUrl, issue) : e(issue)}${d.issueTitle ? `<br><span class="muted">${e(d.issueTitle)}</span>` : ""}`
    : `<span class="muted">—</span>`;
  let duration = "—";
  if (d.durationMs != null) duration = formatDuration(d.durationMs);
  else if (d.status === "running" && d.startedAt != null)
    duration = `${formatDuration(Math.max(0, input.now - d.startedAt))} so far`;
  const links = [
    d.commentUrl ? link(d.commentUrl, "comment") : "",
    d.chatId ? link(`${input.openWebUIUrl}/c/${encodeURIComponent(d.chatId)}`, "chat") : "",
  ].filter(Boolean);
  // A done or retrying delivery keeps the error of an earlier attempt: say so, or it reads as current.
  const finalError = d.status === "failed" || d.status === "dead";
  const replay = finalError
    ? `<form class="inline" method="post" action="/deliveries/${e(encodeURIComponent(d.key))}/replay">
<input type="hidden" name="csrf" value="${e(input.csrf)}">
<button type="submit">Replay</button></form>`
    : "";
  return `<tr data-delivery-id="${e(d.deliveryId)}">
<td>${e(formatTime(d.receivedAt))}<br><span class="muted">${e(d.deliveryId)}</span></td>
<td>${e(d.event)}${d.action ? `.${e(d.action)}` : ""}</td>
<td>${issueCell}</td>
<td>${d.rule ? e(d.rule) : `<span class="muted">${d.status === "ignored" ? "none" : "—"}</span>`}</td>
<td><span class="status status-${e(d.status)}">${e(d.status)}</span>${d.reason && d.reason !== d.lastError ? `<br><span class="muted">${e(d.reason)}</span>` : ""}</td>
<td>${d.attempts}</td>
<td>${e(duration)}</td>
<td>${links.join(" ") || `<span class="muted">—</span>`}</td>
<td class="error">${d.lastError ? `${finalError ? "" : `<span class="muted">earlier attempt: </span>`}${e(d.lastError)}` : ""}${notifyCell(d)}</td>
<td>${replay}</td>
</tr>${renderObservedRow(d.deliveryId, d.observed, 10)}`;
}

/** A rule's notifications that failed: shown with the errors, though the delivery itself is done. */
function notifyCell(d: DeliveryView): string {
  if (!d.notifyError) return "";
  return `${d.lastError ? "<br>" : ""}<span class="muted">not notified: </span>${e(d.notifyError)}`;
}

export function renderDeliveries(input: DeliveriesPageInput): string {
  const inProgress = input.deliveries.some((d) => d.status === "pending" || d.status === "running");
  const filters = [undefined, ...deliveryStatuses]
    .map(
      (s) =>
        `<a href="/deliveries${s ? `?status=${s}` : ""}"${s === input.status ? ' aria-current="page"' : ""}>${s ?? "all"}</a>`,
    )
    .join("");
  const rows = input.deliveries.map((d) => row(d, input)).join("\n");
  return layout(
    "Deliveries",
    `<header><h1>Deliveries</h1><span>${reloadConfigForm(input.csrf)}
<form class="inline" method="post" action="/deliveries/sign-out"><button type="submit">Sign out</button></form></span></header>
<main>
${input.notice ? `<p class="notice" role="alert">${e(input.notice)}</p>` : ""}${renderReloadResult(input.reload)}
${renderAgreement(input.agreement ?? [])}
<nav class="filter" aria-label="Filter by status">${filters}</nav>
<p class="muted">The ${input.limit} most recent${input.status ? ` ${e(input.status)}` : ""} deliveries, newest first.
Duration is the latest attempt's, from the moment a worker took it until it finished.${inProgress ? ` This page reloads every ${refreshSeconds} s while a delivery is in progress.` : ""}</p>
${
  input.deliveries.length === 0
    ? `<p>No deliveries${input.status ? ` with status ${e(input.status)}` : ""}.</p>`
    : `<table><thead><tr><th>Received (UTC)</th><th>Event</th><th>Issue</th><th>Rule</th><th>Status</th><th>Attempts</th><th>Duration</th><th>Links</th><th>Last error</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table>`
}
</main>`,
    // An explicit GET address, so a page answering a POST never reloads as the POST again.
    inProgress
      ? `<meta http-equiv="refresh" content="${refreshSeconds}; url=/deliveries${input.status ? `?status=${input.status}` : ""}">`
      : "",
  );
}
