import { z } from "zod";

const units = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const durationText = /^(\d{1,6})(s|m|h|d)$/;

/** A duration as config writes it: a whole number and a unit, `30s`, `10m`, `2h` or `1d`. */
export const durationSchema = z
  .string()
  .regex(durationText, 'a duration is a whole number and a unit: "30s", "10m", "2h" or "1d"')
  .meta({ description: 'A whole number and a unit: "30s", "10m", "2h" or "1d".' });

/** The duration in milliseconds; the text has passed `durationSchema`. */
export function durationMs(text: string): number {
  const match = durationText.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration such as "10m"`);
  return Number(match[1]) * units[match[2] as keyof typeof units];
}
