import { z } from "zod";
import { ConfigError, type Env } from "./config-error.ts";

/** One environment variable: its name, the zod schema its text goes through, and its value when absent or bad. */
export interface EnvField<T> {
  name: string;
  /** Parses the trimmed text, or undefined when the variable is unset or empty. */
  schema: z.ZodType<T, string | undefined>;
  /** What the loader carries on with after a problem, so every problem is found in one pass. */
  fallback: T;
}

type Values<F extends Record<string, EnvField<unknown>>> = {
  [K in keyof F]: F[K] extends EnvField<infer T> ? T : never;
};

/** Reads each field in order, collecting every problem (one line each, naming the variable and its fix). */
export function readEnvFields<F extends Record<string, EnvField<unknown>>>(
  env: Env,
  fields: F,
): { values: Values<F>; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, field] of Object.entries(fields)) {
    const text = env[field.name]?.trim();
    const result = field.schema.safeParse(text === "" ? undefined : text);
    if (result.success) values[key] = result.data;
    else {
      values[key] = field.fallback;
      problems.push(result.error.issues[0]!.message);
    }
  }
  return { values: values as Values<F>, problems };
}

/** Throws the ConfigError that bin/ prints and exits 78 on, when there is any problem. */
export function throwProblems(problems: readonly string[]) {
  if (problems.length > 0) throw new ConfigError([...problems]);
}

export function optionalText(name: string, fallback: string): EnvField<string> {
  return {
    name,
    schema: z
      .string()
      .optional()
      .transform((value) => value ?? fallback),
    fallback,
  };
}

export function requiredText(name: string, fix: string): EnvField<string> {
  return { name, schema: z.string({ error: `${name} is missing: ${fix}` }), fallback: "" };
}

/** An http(s) URL without its trailing slashes. */
export function httpUrl(name: string, fallback: string | undefined, fix: string): EnvField<string> {
  const url = z
    .string()
    .refine((value) => URL.canParse(value), {
      error: (issue) => `${name} is not a URL ("${String(issue.input)}"): ${fix}`,
      abort: true,
    })
    .refine((value) => ["http:", "https:"].includes(new URL(value).protocol), {
      error: (issue) => `${name} must be an http(s) URL, got "${new URL(String(issue.input)).protocol}": ${fix}`,
    })
    .transform((value) => value.replace(/\/+$/, ""));
  const missing = `${name} is missing: ${fix}`;
  return {
    name,
    schema: z
      .string({ error: missing })
      .optional()
      .transform((value, ctx) => value ?? fallback ?? (ctx.addIssue({ code: "custom", message: missing }), ""))
      .pipe(url),
    fallback: "",
  };
}

export function integer(name: string, fallback: number, range: { min: number; max: number }): EnvField<number> {
  const bad = (input: unknown) =>
    `${name} must be a whole number from ${range.min} to ${range.max}, got "${String(input)}"`;
  const number = z
    .string()
    .regex(/^\d+$/, { error: (issue) => bad(issue.input) })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(range.min, { error: (issue) => bad(issue.input) })
        .max(range.max, { error: (issue) => bad(issue.input) }),
    );
  return { name, schema: number.optional().transform((value) => value ?? fallback), fallback };
}

const truthy = ["1", "true", "yes", "on"];
const falsy = ["0", "false", "no", "off"];

export function flag(name: string, fallback: boolean): EnvField<boolean> {
  const word = z
    .string()
    .refine((value) => [...truthy, ...falsy].includes(value.toLowerCase()), {
      error: (issue) => `${name} must be true or false, got "${String(issue.input)}"`,
    })
    .transform((value) => truthy.includes(value.toLowerCase()));
  return { name, schema: word.optional().transform((value) => value ?? fallback), fallback };
}

/** Comma-separated, blanks dropped. */
export function list(name: string): EnvField<string[]> {
  return {
    name,
    schema: z
      .string()
      .optional()
      .transform((value) =>
        (value ?? "")
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
      ),
    fallback: [],
  };
}
