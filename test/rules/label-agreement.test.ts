import { describe, expect, it } from "vitest";
import { agreementWindowMs, labelAgreement } from "../../relay/rules/label-agreement.ts";
import type { LabelChange, Observation } from "../../store/observation-store.ts";

const day = 86_400_000;
const observation = (issueNumber: number, labels: string[], extra: Partial<Observation> = {}): Observation => ({
  deliveryKey: `triage:octo/app#${issueNumber}`,
  deliveryId: `g${issueNumber}`,
  chatId: `chat-${issueNumber}`,
  rule: "triage",
  owner: "octo",
  repo: "app",
  issueNumber,
  tool: "add_labels",
  target: `octo/app#${issueNumber}`,
  text: null,
  labels,
  at: 10 * day,
  ...extra,
});
const change = (
  issueNumber: number,
  label: string,
  at: number,
  kind: LabelChange["change"] = "applied",
): LabelChange => ({
  deliveryId: `p-${issueNumber}-${label}-${at}`,
  owner: "Octo",
  repo: "App",
  issueNumber,
  label,
  change: kind,
  at,
});

describe("label agreement of observed rules", () => {
  it("counts a recorded label as agreed when people applied it within the window and kept it, whatever its case", () => {
    const observations = [observation(1, ["bug"]), observation(1, ["Question"], { at: 10 * day + 5 })];
    const changes = [
      change(1, "BUG", 11 * day),
      change(1, "question", 12 * day),
      change(1, "question", 13 * day, "removed"),
    ];
    expect(labelAgreement({ observations, changes })).toEqual([
      { rule: "triage", runs: 1, judged: 1, recorded: 2, agreed: 1 },
    ]);
  });

  it("leaves a run unjudged when people acted only before it or after the window", () => {
    const observations = [observation(1, ["bug"]), observation(2, ["bug"], { rule: "labels-only" })];
    const changes = [change(1, "bug", 9 * day), change(2, "bug", 10 * day + agreementWindowMs + 1)];
    expect(labelAgreement({ observations, changes })).toEqual([
      { rule: "labels-only", runs: 1, judged: 0, recorded: 0, agreed: 0 },
      { rule: "triage", runs: 1, judged: 0, recorded: 0, agreed: 0 },
    ]);
  });

  it("counts a run whose issue people labelled otherwise as judged and disagreeing", () => {
    const observations = [observation(3, ["question", "needs-info"])];
    const changes = [change(3, "duplicate", 11 * day)];
    expect(labelAgreement({ observations, changes })).toEqual([
      { rule: "triage", runs: 1, judged: 1, recorded: 2, agreed: 0 },
    ]);
  });
});
