import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

export type ConfigPath = readonly PropertyKey[];

/**
 * The line and column of `path` in the document: the value there, or the key itself when `atKey`
 * (an unknown key), or the nearest enclosing node that exists (a missing key: its mapping).
 */
export function yamlPosition(
  doc: Document,
  lines: LineCounter,
  path: ConfigPath,
  atKey = false,
): { line: number; col: number } {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && String(keyValue(item.key)) === String(segment));
      if (!pair) break;
      if (atKey && index === path.length - 1) return lines.linePos(rangeStart(pair.key) ?? offset);
      // `key:` with nothing after it: point at the key.
      next = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
    }
    const start = rangeStart(next);
    if (start === undefined) break;
    node = next;
    offset = start;
  }
  return lines.linePos(offset);
}

function keyValue(key: unknown): unknown {
  return isScalar(key) ? key.value : key;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

/** `people.grants[1].access`, as a reader finds it in the file. */
export function pathText(path: ConfigPath): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((segment, i) =>
      typeof segment === "number" ? `[${segment}]` : i === 0 ? String(segment) : `.${String(segment)}`,
    )
    .join("");
}
