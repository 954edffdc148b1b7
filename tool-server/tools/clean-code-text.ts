/**
 * Code and diffs are untrusted text too, but their HTML comments are content a reviewer sees, so
 * only what no reviewer sees goes: format characters (bidi overrides that reorder code, zero-width
 * characters) and control characters other than tab, newline and carriage return.
 */
export function cleanCodeText(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/\p{Cf}/gu, "").replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, "");
}
