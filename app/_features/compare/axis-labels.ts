/** Labels of the comparison chart's x axis, short enough that 12 columns do not overlap. */

/** Returns the maximum tick label length in characters for a column count. Longer names end with an ellipsis, and the tooltip shows them in full. */
export function maxTickLength(columns: number): number {
  if (columns <= 4) return 40;
  if (columns <= 8) return 22;
  return 14;
}

/** Rotation of the tick labels in degrees: level for up to 4 columns, slanted for more. */
export function tickRotation(columns: number): number {
  return columns <= 4 ? 0 : 45;
}

/** Shortens a column name to `maxLength` characters, the last one an ellipsis. */
export function truncateLabel(name: string, maxLength: number): string {
  const characters = [...name];
  if (characters.length <= maxLength) return name;
  return `${characters.slice(0, maxLength - 1).join('').trimEnd()}…`;
}
