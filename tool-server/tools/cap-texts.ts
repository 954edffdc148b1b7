/**
 * Cuts texts to at most `perItem` characters each and `total` in all, in order, so one answer stays
 * small enough for the model's context. Once the total is spent, later texts come back empty.
 */
export function capTexts(
  texts: readonly string[],
  limits: { perItem: number; total: number },
): Array<{ text: string; cut: boolean }> {
  let left = limits.total;
  return texts.map((text) => {
    const keep = Math.max(Math.min(limits.perItem, left), 0);
    left -= Math.min(text.length, keep);
    return text.length > keep ? { text: text.slice(0, keep), cut: true } : { text, cut: false };
  });
}
