import type { z } from "zod";
import type { ConfigPath } from "./yaml-position.ts";

type Issue = z.core.$ZodIssue;

/** One problem of the file: where (a key itself when `atKey`) and what to do about it. */
export interface ConfigIssue {
  path: ConfigPath;
  atKey: boolean;
  message: string;
}

/** Zod's issues as a person fixing the file reads them: what was found, what is expected. */
export function describeConfigIssues(issues: readonly Issue[], data: unknown, schema: z.ZodType): ConfigIssue[] {
  return issues.flatMap((issue) => describe(issue, [], data, schema));
}

function describe(issue: Issue, base: ConfigPath, data: unknown, schema: z.ZodType): ConfigIssue[] {
  const path = [...base, ...issue.path];
  const value = valueAt(data, path);
  const at = (message: string): ConfigIssue[] => [{ path, atKey: false, message }];
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(schema, path);
      return issue.keys.map((key) => ({
        path: [...path, key],
        atKey: true,
        message: allowed.includes(key)
          ? "belongs to another form of this entry: remove it, or change the key that picks the form"
          : `unknown key${suggestion(key, allowed)}; allowed here: ${allowed.join(", ")}`,
      }));
    }
    case "invalid_union":
      return describeUnion(issue, path, data, schema);
    case "invalid_value":
      if (value === undefined)
        return at(`missing: add ${String(path.at(-1))}: ${issue.values.map(String).join(" | ")}`);
      return at(`expected one of ${issue.values.map(String).join(", ")}, got ${shown(value)}`);
    case "invalid_type":
      if (value === undefined) return at(`missing: add ${String(path.at(-1))}: with ${noun(issue.expected)}`);
      return at(`expected ${noun(issue.expected)}, got ${shown(value)}`);
    case "too_small":
      return at(`${bound("at least", issue.origin, issue.minimum)}, got ${shown(value)}`);
    case "too_big":
      return at(`${bound("at most", issue.origin, issue.maximum)}, got ${shown(value)}`);
    case "invalid_format":
      return at(`${issue.format === "email" ? "expected an email address" : issue.message}, got ${shown(value)}`);
    default:
      return at(issue.message);
  }
}

/**
 * A union (a grant: group, email or role) reports the form the entry is closest to: the one with the
 * fewest problems. When forms tie, the entry lacks the key that decides between them, or has two.
 */
function describeUnion(issue: z.core.$ZodIssueInvalidUnion, path: ConfigPath, data: unknown, schema: z.ZodType) {
  // A discriminated union names its key's values instead of trying each form.
  if (issue.errors.length === 0) return describeOptions(issue, path, valueAt(data, path));
  const weight = (errors: Issue[]) =>
    errors.reduce((n, i) => n + (i.code === "unrecognized_keys" ? i.keys.length : 1), 0);
  const fewest = Math.min(...issue.errors.map(weight));
  const closest = issue.errors.filter((errors) => weight(errors) === fewest);
  if (closest.length === 1) return closest[0]!.flatMap((inner) => describe(inner, path, data, schema));
  const deciding = (i: Issue) => i.code === "unrecognized_keys" || valueAt(data, [...path, ...i.path]) === undefined;
  const same = (a: Issue, b: Issue) => a.code === b.code && a.path.join(".") === b.path.join(".");
  const common = closest[0]!.filter((i) => !deciding(i) && closest.every((errors) => errors.some((o) => same(o, i))));
  const described = common.flatMap((inner) => describe(inner, path, data, schema));
  const keys = closest.flatMap((errors) =>
    errors.filter(deciding).flatMap((i) => (i.code === "unrecognized_keys" ? i.keys : [String(i.path[0])])),
  );
  const subjects = [...new Set(keys)];
  if (subjects.length === 0) return described.length > 0 ? described : describe(closest[0]![0]!, path, data, schema);
  const present = subjects.filter((key) => valueAt(data, [...path, key]) !== undefined);
  const message =
    present.length > 1 ? `has ${present.join(" and ")}: keep only one` : `needs exactly one of ${subjects.join(", ")}`;
  return [{ path, atKey: false, message }, ...described];
}

function describeOptions(issue: z.core.$ZodIssueInvalidUnion, path: ConfigPath, value: unknown): ConfigIssue[] {
  const options = (issue as { options?: unknown[] }).options;
  if (!options) return [{ path, atKey: false, message: issue.message }];
  const message =
    value === undefined
      ? `missing: add ${String(path.at(-1))}: ${options.map(String).join(" | ")}`
      : `expected one of ${options.map(String).join(", ")}, got ${shown(value)}`;
  return [{ path, atKey: false, message }];
}

function valueAt(data: unknown, path: ConfigPath): unknown {
  let value = data;
  for (const segment of path) value = (value as Record<PropertyKey, unknown> | null | undefined)?.[segment];
  return value;
}

/** The keys a mapping at `path` may have, from the schema (every form of a union). */
function allowedKeys(schema: z.ZodType, path: ConfigPath): string[] {
  let current: z.core.$ZodType[] = [schema];
  for (const segment of path)
    current = current.flatMap(unwrap).flatMap((s) => {
      const def = s._zod.def as {
        type: string;
        shape?: Record<string, z.core.$ZodType>;
        element?: z.core.$ZodType;
        valueType?: z.core.$ZodType;
      };
      if (def.type === "object" && typeof segment === "string" && def.shape?.[segment]) return [def.shape[segment]];
      // A record's keys are names the file chooses (channels: team, ops): every entry has the value's shape.
      if (def.type === "record" && typeof segment === "string" && def.valueType) return [def.valueType];
      if (def.type === "array" && typeof segment === "number" && def.element) return [def.element];
      return [];
    });
  const keys = current.flatMap(unwrap).flatMap((s) => Object.keys((s._zod.def as { shape?: object }).shape ?? {}));
  return [...new Set(keys)];
}

/** Through optional, default and union wrappers to the schemas that decide the shape. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType[] {
  const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType; options?: z.core.$ZodType[] };
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === "pipe") return unwrap((def as unknown as { in: z.core.$ZodType }).in);
  if (def.type === "union" && def.options) return def.options.flatMap(unwrap);
  return [schema];
}

function suggestion(key: string, allowed: readonly string[]): string {
  const near = allowed.find((candidate) => distance(key.toLowerCase(), candidate) <= 2);
  return near ? ` (did you mean ${near}?)` : "";
}

/** Edit distance, for "did you mean": keys are short, so the plain table is enough. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

const nouns: Record<string, string> = {
  object: "a mapping (key: value lines)",
  record: "a mapping (key: value lines)",
  array: "a list (- item lines, or [a, b])",
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

function noun(expected: string): string {
  return nouns[expected] ?? expected;
}

function bound(word: string, origin: string, limit: number | bigint): string {
  if (origin === "array") return `must list ${word} ${limit} item${limit === 1 ? "" : "s"}`;
  if (origin === "string") return `must be ${word} ${limit} character${limit === 1 ? "" : "s"} long`;
  return `must be ${word} ${limit}`;
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return "nothing";
  if (Array.isArray(value))
    return value.length === 0 ? "an empty list" : `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}
