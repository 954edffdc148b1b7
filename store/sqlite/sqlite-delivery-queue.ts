import type Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import type { DeliveryQueue, Lease } from "../delivery-queue.ts";
import { toDelivery, type DeliveryRow } from "./sqlite-rows.ts";

// Every change through a lease names its token and a running row: a lease that lapsed and was
// claimed again, or a delivery already finished, matches no row.
const held = `key = @key AND lease_token = @token AND status = 'running'`;

// What the deliveries page shows of a done delivery (see DeliveryRecord.payload), the pull request's
// for pull request events; the rest goes when it finishes.
const thread = (field: string) =>
  `coalesce(json_extract(payload, '$.pull_request.${field}'), json_extract(payload, '$.issue.${field}'))`;
const doneSummary = `CASE WHEN @status <> 'done' THEN payload WHEN json_valid(payload)
  THEN json_object('issue', json_object('title', ${thread("title")}, 'html_url', ${thread("html_url")}))
  END`;
const finishedPayload = (keepDonePayloads: boolean) => (keepDonePayloads ? "payload" : doneSummary);

function prepareFinish(db: Database.Database, keepDonePayloads: boolean) {
  return db.prepare(
    `UPDATE deliveries SET status = @status, reason = @reason, comment_url = COALESCE(@commentUrl, comment_url), notify_error = @notifyError,
       payload = ${finishedPayload(keepDonePayloads)}, last_error = CASE WHEN @status IN ('failed', 'dead') THEN @reason ELSE last_error END,
       lease_until = NULL, lease_token = NULL, next_attempt_at = NULL, updated_at = @now, finished_at = @now
     WHERE ${held}`,
  );
}

/** The lease queue over the deliveries table; every process on the file shares it. */
export function createSqliteDeliveryQueue(
  db: Database.Database,
  options: { now: () => number; keepDonePayloads?: boolean },
): DeliveryQueue {
  const { now } = options;
  const claim = db.prepare(
    `UPDATE deliveries SET status = 'running', attempts = attempts + 1, lease_until = @leaseUntil, lease_token = @token, updated_at = @now, started_at = @now, finished_at = NULL
     WHERE key = (
       SELECT key FROM deliveries
       WHERE (status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= @now)) OR (status = 'running' AND lease_until < @now)
       ORDER BY received_at, rowid LIMIT 1
     )
     RETURNING *`,
  );
  const renew = db.prepare(`UPDATE deliveries SET lease_until = @leaseUntil WHERE ${held}`);
  const finish = prepareFinish(db, options.keepDonePayloads ?? false);
  const retry = db.prepare(
    `UPDATE deliveries SET status = 'pending', last_error = @error, next_attempt_at = @at, lease_until = NULL, lease_token = NULL, updated_at = @now WHERE ${held}`,
  );
  const defer = db.prepare(
    `UPDATE deliveries SET status = 'pending', attempts = MAX(attempts - 1, 0), next_attempt_at = @at, lease_until = NULL, lease_token = NULL, updated_at = @now WHERE ${held}`,
  );
  const release = db.prepare(
    `UPDATE deliveries SET status = 'pending', next_attempt_at = NULL, lease_until = NULL, lease_token = NULL, updated_at = @now WHERE ${held}`,
  );
  const byLease = (lease: Lease) => ({ key: lease.key, token: lease.token, now: now() });

  return {
    async claim(leaseMs) {
      const t = now();
      const token = randomUUID();
      const row = claim.get({ now: t, leaseUntil: t + leaseMs, token }) as DeliveryRow | undefined;
      return row && { delivery: toDelivery(row), lease: { key: row.key, token } };
    },
    async renew(lease, leaseMs) {
      const params = byLease(lease);
      return renew.run({ ...params, leaseUntil: params.now + leaseMs }).changes === 1;
    },
    async finish(lease, outcome) {
      return (
        finish.run({
          ...byLease(lease),
          status: outcome.status,
          reason: outcome.reason ?? null,
          commentUrl: outcome.commentUrl ?? null,
          notifyError: outcome.notifyError ?? null,
        }).changes === 1
      );
    },
    async retry(lease, next) {
      return retry.run({ ...byLease(lease), error: next.error, at: next.at }).changes === 1;
    },
    async defer(lease, at) {
      return defer.run({ ...byLease(lease), at }).changes === 1;
    },
    async release(lease) {
      return release.run(byLease(lease)).changes === 1;
    },
  };
}
