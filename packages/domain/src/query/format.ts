import { comparatorText, PRESENCE_COMPARATORS } from "./comparators.js";
import { type ConditionNode, isGroupNode, type QueryScalar } from "./condition-tree.js";

/** Writes a literal as the query string reads it back to the same value. */
export function formatQueryValue(value: QueryScalar): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "string") return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === "bigint") return value.toString();
  // Digits alone would read back as a bigint beyond 2^53, so such a number
  // is written with an exponent.
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) return value.toExponential();
  return String(value);
}

/**
 * Writes a condition tree as a query string that parses back to the same
 * tree. Nested groups are parenthesised; an AND or OR group with a single
 * condition is written as that condition, which parses back without the group.
 */
export function formatCondition(node: ConditionNode): string {
  if (isGroupNode(node)) {
    if (node.operator === "NOT") return `NOT ${formatOperand(node.conditions[0] as ConditionNode)}`;
    return node.conditions.map(formatOperand).join(` ${node.operator} `);
  }

  if (node.comparator === "OVERLAPS") {
    const [from, to] = Array.isArray(node.value) ? node.value : [];
    const window = `OVERLAPS [${formatQueryValue(from ?? null)}, ${formatQueryValue(to ?? null)}]`;
    return node.field ? `${node.field} ${window}` : window;
  }
  if (PRESENCE_COMPARATORS.has(node.comparator)) return `${node.field} ${node.comparator}`;
  if (node.comparator === "IN") {
    const values = Array.isArray(node.value) ? node.value : [node.value ?? null];
    return `${node.field} IN (${values.map(formatQueryValue).join(", ")})`;
  }
  const value = Array.isArray(node.value) ? null : (node.value ?? null);
  return `${node.field} ${comparatorText(node.comparator)} ${formatQueryValue(value)}`;
}

function formatOperand(node: ConditionNode): string {
  if (isGroupNode(node) && node.operator !== "NOT" && node.conditions.length > 1)
    return `(${formatCondition(node)})`;
  return formatCondition(node);
}
