/** Orders two strings (by UTF-16 code unit) or two bigints ascending, for `Array.prototype.sort`. */
export function compareAscending<T extends string | bigint>(a: T, b: T): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
