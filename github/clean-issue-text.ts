/**
 * Issue text is untrusted input for the model. HTML comments are invisible on
 * GitHub yet reach the model, and format characters (zero-width, bidi
 * overrides, Unicode tags) can hide instructions from a human reviewer.
 */
export function cleanIssueText(text: string | null | undefined): string {
  if (!text) return "";
  return (
    text
      .replace(/<!--[\s\S]*?(-->|$)/g, "")
      .replace(/\p{Cf}/gu, "")
      // C0 and C1 controls other than tab, newline and carriage return.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, "")
  );
}
