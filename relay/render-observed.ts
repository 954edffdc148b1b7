import { escapeHtml as e } from "../lib/escape-html.ts";
import type { Observation } from "../store/observation-store.ts";
import { agreementWindowMs, type RuleAgreement } from "./rules/label-agreement.ts";

/** A write an observed run recorded, as the admin API and the deliveries page show it. */
export type ObservedWrite = Pick<Observation, "tool" | "target" | "text" | "labels" | "at">;

export const observedStyle = `
tr.observed td{background:#f6f8fa;border-top:0}
.would{margin:.25rem 0}
.would blockquote{margin:.3rem 0 .3rem 1rem;padding:.4rem .6rem;border-left:3px solid #8250df;background:#fff;white-space:pre-wrap;overflow-wrap:anywhere}
.label{display:inline-block;margin-right:.3rem;padding:0 .5rem;border:1px solid #8250df;border-radius:1rem;color:#8250df}
.agreement{margin:1rem 0}
`;

function labelList(labels: readonly string[]): string {
  return labels.map((label) => `<span class="label">${e(label)}</span>`).join("");
}

function observedWrite(o: ObservedWrite): string {
  const where = e(o.target);
  switch (o.tool) {
    case "add_labels":
      return `<div class="would">Would have added labels on ${where}: ${labelList(o.labels)}</div>`;
    case "dispatch_workflow":
      return `<div class="would">Would have run ${where}${o.text ? ` with inputs <code>${e(o.text)}</code>` : ""}</div>`;
    default: {
      const by = o.tool === "answer" ? " (the relay's comment, from the model's answer)" : "";
      return `<div class="would">Would have posted on ${where}${by}:<blockquote>${e(o.text ?? "")}</blockquote></div>`;
    }
  }
}

/** The row under a delivery that shows what its observed run would have written; empty when nothing. */
export function renderObservedRow(deliveryId: string, observed: readonly ObservedWrite[] | undefined, columns: number) {
  if (!observed?.length) return "";
  return `<tr class="observed" data-observed-for="${e(deliveryId)}"><td colspan="${columns}"><strong>Observe mode</strong> (nothing was sent to GitHub)
${observed.map(observedWrite).join("\n")}</td></tr>`;
}

function share(entry: RuleAgreement): string {
  if (entry.recorded === 0) return `<span class="muted">—</span>`;
  return `${Math.round((100 * entry.agreed) / entry.recorded)}% <span class="muted">(${entry.agreed} of ${entry.recorded})</span>`;
}

/** Per observed rule, how often its labels agreed with people's (label-agreement.ts); empty when no rule recorded labels. */
export function renderAgreement(agreement: readonly RuleAgreement[]): string {
  if (agreement.length === 0) return "";
  const days = agreementWindowMs / 86_400_000;
  const rows = agreement
    .map(
      (a) =>
        `<tr data-rule="${e(a.rule)}"><td>${e(a.rule)}</td><td>${a.runs}</td><td>${a.judged}</td><td>${share(a)}</td></tr>`,
    )
    .join("\n");
  return `<section class="agreement" aria-labelledby="agreement-heading"><h2 id="agreement-heading">Observe mode: label agreement</h2>
<p class="muted">Of the labels an observed rule would have added, the share people applied themselves within ${days} days (labelling, or closing as a duplicate) and did not remove. Only runs whose issue people labelled, unlabelled or closed count.</p>
<table><thead><tr><th>Rule</th><th>Runs with labels</th><th>Judged by people</th><th>Agreed</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}
