import { LineCounter, parseDocument, type Document } from "yaml";
import type { ConfigIssue } from "./describe-config-issues.ts";
import { pathText, yamlPosition } from "./yaml-position.ts";

export type YamlDocument =
  { ok: true; doc: Document; lines: LineCounter; data: unknown } | { ok: false; problems: string[] };

/**
 * Reads a YAML config file's text (the deployment's or a repository's). A file that is not valid
 * YAML reports only its syntax errors: checking the shape of a half-read document would report
 * what is not there. An empty file (or one of comments only) is an empty mapping.
 */
export function readYamlDocument(text: string, shown: string): YamlDocument {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const { line, col } = error.linePos?.[0] ?? { line: 1, col: 1 };
        return `${shown}:${line}:${col}: YAML syntax: ${firstLine(error.message)}`;
      }),
    };
  }
  try {
    return { ok: true, doc, lines, data: doc.contents === null ? {} : doc.toJS() };
  } catch (error) {
    // Too many aliases (the "billion laughs"), or an alias to nothing.
    return { ok: false, problems: [`${shown}:1:1: YAML: ${firstLine((error as Error).message)}`] };
  }
}

/** Each issue as `file:line:column: path: message`, in the order of the file as an editor shows them, each once. */
export function positionedProblems(
  read: { doc: Document; lines: LineCounter },
  shown: string,
  issues: readonly ConfigIssue[],
): string[] {
  const problems = issues
    .map((issue) => ({ ...issue, ...yamlPosition(read.doc, read.lines, issue.path, issue.atKey) }))
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .map((issue) => `${shown}:${issue.line}:${issue.col}: ${pathText(issue.path)}: ${issue.message}`);
  return [...new Set(problems)];
}

/** yaml's messages end with "at line L, column C:" and a picture of the line; the position is given already. */
function firstLine(message: string): string {
  return message
    .split("\n")[0]!
    .replace(/ at line \d+, column \d+:?$/, "")
    .trim();
}
