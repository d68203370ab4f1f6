/** The few printf conversions netstat's tables use, on byte strings. */

/** `%-Ns`: left-aligned in N columns, never cut. */
export function left(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** `%Ns` / `%Nd`: right-aligned in N columns, never cut. */
export function right(text: string | number, width: number): string {
  const s = String(text);
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** `%2.2f`. */
export function fixed2(value: number): string {
  return right(value.toFixed(2), 2);
}
