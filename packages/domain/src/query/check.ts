import type { FieldDefinition } from "../custom-field/definition.js";
import { type Comparator, comparatorText, PRESENCE_COMPARATORS } from "./comparators.js";
import {
  type ComparisonNode,
  type ConditionNode,
  type GroupNode,
  isGroupNode,
  QUERY_LIMITS,
  type QueryScalar,
} from "./condition-tree.js";
import {
  CUSTOM_FIELD_PREFIX,
  comparatorsOf,
  describeFilterableFields,
  describeKind,
  fieldLabel,
  listComparators,
  resolveSearchField,
  type SearchField,
} from "./fields.js";
import type { QuerySpans } from "./parser.js";
import { issueAtSpan, type QueryIssue } from "./query-issue.js";
import type { SourceSpan } from "./source-span.js";
import type { TypedCondition, ValueComparator } from "./typed-condition.js";
import {
  checkScalar,
  describeQueryValue,
  readTimeNs,
  type SearchScalar,
  TIME_FORMS,
} from "./values.js";

/** The origin of a condition, so that issues point into it. */
export type ConditionSource =
  /** A parsed query string: issues carry `path` and the position of the offending token. */
  | { form: "string"; path: string; spans: QuerySpans }
  /** A JSON tree: issues carry the dot path of the offending key under `path`. */
  | { form: "tree"; path: string };

/** The checked condition, or every issue found (at most 20). */
export type CheckedCondition =
  | { ok: true; value: TypedCondition }
  | { ok: false; issues: QueryIssue[] };

const MAX_ISSUES = 20;

/** The part of a comparison an issue is about. */
type Part = { key: "field" } | { key: "comparator" } | { key: "value"; item?: number };

/**
 * Checks a condition tree against the built-in session fields and the ready
 * custom fields (`customFields`, by name): every field must exist, every
 * comparator must fit its field's type, and every value must have that type.
 */
export function checkCondition(
  node: ConditionNode,
  customFields: ReadonlyMap<string, FieldDefinition>,
  source: ConditionSource,
): CheckedCondition {
  const limit = checkLimits(node, source);
  if (limit) return { ok: false, issues: [limit] };

  const checker = new Checker(customFields, source);
  const value = checker.node(node, source.path);
  return checker.issues.length ? { ok: false, issues: checker.issues } : { ok: true, value };
}

// Measures the tree without recursion before the recursive check, so that no
// tree can overflow the call stack.
function checkLimits(root: ConditionNode, source: ConditionSource): QueryIssue | undefined {
  let comparisons = 0;
  const pending: { node: ConditionNode; depth: number; path: string }[] = [
    { node: root, depth: 0, path: source.path },
  ];
  while (pending.length > 0) {
    const { node, depth, path } = pending.pop() as (typeof pending)[number];
    if (!isGroupNode(node)) {
      comparisons++;
      if (comparisons > QUERY_LIMITS.comparisons) {
        return issueAt(
          source,
          node,
          path,
          { key: "field" },
          `a query may hold at most ${QUERY_LIMITS.comparisons} comparisons`,
        );
      }
      continue;
    }
    if (depth + 1 > QUERY_LIMITS.depth) {
      const span = source.form === "string" ? source.spans.groups.get(node) : undefined;
      const reason = `conditions nest deeper than ${QUERY_LIMITS.depth} levels of AND, OR and NOT; flatten the query`;
      return span ? issueAtSpan(source.path, span, reason) : { path, reason };
    }
    node.conditions.forEach((child, index) => {
      pending.push({ node: child, depth: depth + 1, path: `${path}.conditions.${index}` });
    });
  }
  return undefined;
}

function issueAt(
  source: ConditionSource,
  node: ComparisonNode,
  path: string,
  part: Part,
  reason: string,
): QueryIssue {
  if (source.form === "tree") {
    const item = part.key === "value" && part.item !== undefined ? `.${part.item}` : "";
    return { path: `${path}.${part.key}${item}`, reason };
  }
  const spans = source.spans.comparisons.get(node);
  let span: SourceSpan | undefined = spans?.comparator;
  if (part.key === "field") span = spans?.field ?? span;
  if (part.key === "value") {
    span =
      (part.item !== undefined ? spans?.items?.[part.item] : spans?.value) ?? spans?.value ?? span;
  }
  return span ? issueAtSpan(source.path, span, reason) : { path: source.path, reason };
}

class Checker {
  readonly issues: QueryIssue[] = [];

  constructor(
    private readonly customFields: ReadonlyMap<string, FieldDefinition>,
    private readonly source: ConditionSource,
  ) {}

  node(node: ConditionNode, path: string): TypedCondition {
    return isGroupNode(node) ? this.group(node, path) : this.comparison(node, path);
  }

  private group(group: GroupNode, path: string): TypedCondition {
    const conditions = group.conditions.map((child, index) =>
      this.node(child, `${path}.conditions.${index}`),
    );
    if (group.operator === "NOT")
      return { kind: "not", condition: conditions[0] as TypedCondition };
    return { kind: group.operator === "AND" ? "and" : "or", conditions };
  }

  private report(node: ComparisonNode, path: string, part: Part, reason: string): void {
    if (this.issues.length < MAX_ISSUES)
      this.issues.push(issueAt(this.source, node, path, part, reason));
  }

  // A placeholder for a comparison that failed its check; the caller
  // discards the whole result when any issue was reported.
  private readonly invalid: TypedCondition = { kind: "and", conditions: [] };

  private comparison(node: ComparisonNode, path: string): TypedCondition {
    if (node.comparator === "OVERLAPS") return this.overlaps(node, path);

    if (node.field === undefined || node.field === null) {
      this.report(
        node,
        path,
        { key: "field" },
        `${node.comparator} needs a field; only OVERLAPS names none`,
      );
      return this.invalid;
    }
    const field = resolveSearchField(node.field, this.customFields);
    if (!field) {
      this.report(node, path, { key: "field" }, this.unknownField(node.field));
      return this.invalid;
    }

    const allowed = comparatorsOf(field);
    if (!allowed.includes(node.comparator)) {
      this.report(
        node,
        path,
        { key: "comparator" },
        `${comparatorText(node.comparator)} does not apply to ${fieldLabel(field)}, which is ${describeKind(field)}; it takes ${listComparators(allowed)}`,
      );
      return this.invalid;
    }

    if (PRESENCE_COMPARATORS.has(node.comparator)) return this.presence(node, path, field);
    if (node.comparator === "IN") return this.inList(node, path, field);
    return this.compare(node, path, field, node.comparator as ValueComparator);
  }

  private unknownField(name: string): string {
    if (name.startsWith(CUSTOM_FIELD_PREFIX)) {
      const custom = name.slice(CUSTOM_FIELD_PREFIX.length);
      const ready = [...this.customFields.keys()];
      const list = ready.length
        ? `ready ones are ${ready.slice(0, 20).join(", ")}`
        : "none is ready";
      return `'${custom}' is not a ready custom field of sessions (${list}); create it with POST /v1/custom-fields or wait until it is ready`;
    }
    return `unknown field '${name}'; filterable fields are ${describeFilterableFields(this.customFields)}`;
  }

  private presence(node: ComparisonNode, path: string, field: SearchField): TypedCondition {
    if (node.value !== undefined && node.value !== null) {
      this.report(
        node,
        path,
        { key: "value" },
        `${node.comparator} takes no value; remove the value`,
      );
      return this.invalid;
    }
    const present = node.comparator === "IS_NOT_NULL" || node.comparator === "EXISTS";
    return { kind: "presence", field, present };
  }

  private inList(node: ComparisonNode, path: string, field: SearchField): TypedCondition {
    if (!Array.isArray(node.value)) {
      this.report(
        node,
        path,
        { key: "value" },
        "IN takes a list of values, such as IN ('a', 'b') or [\"a\", \"b\"] in a tree",
      );
      return this.invalid;
    }
    if (node.value.length === 0 || node.value.length > QUERY_LIMITS.listValues) {
      this.report(
        node,
        path,
        { key: "value" },
        `IN takes 1 to ${QUERY_LIMITS.listValues} values, received ${node.value.length}`,
      );
      return this.invalid;
    }
    const values: SearchScalar[] = [];
    node.value.forEach((item, index) => {
      const checked = checkScalar(field, item);
      if (checked.ok) values.push(checked.value);
      else this.report(node, path, { key: "value", item: index }, checked.reason);
    });
    return { kind: "in", field, values };
  }

  private compare(
    node: ComparisonNode,
    path: string,
    field: SearchField,
    comparator: ValueComparator,
  ): TypedCondition {
    const value = this.singleValue(node, path, comparator);
    if (value === undefined) return this.invalid;
    const checked = checkScalar(field, value);
    if (!checked.ok) {
      this.report(node, path, { key: "value" }, checked.reason);
      return this.invalid;
    }
    return { kind: "compare", field, comparator, value: checked.value };
  }

  private singleValue(
    node: ComparisonNode,
    path: string,
    comparator: Comparator,
  ): QueryScalar | undefined {
    if (Array.isArray(node.value)) {
      this.report(
        node,
        path,
        { key: "value" },
        `${comparatorText(comparator)} takes one value; use IN for a list`,
      );
      return undefined;
    }
    if (node.value === undefined) {
      this.report(node, path, { key: "value" }, `${comparatorText(comparator)} needs a value`);
      return undefined;
    }
    return node.value;
  }

  private overlaps(node: ComparisonNode, path: string): TypedCondition {
    if (node.field !== undefined && node.field !== null) {
      this.report(
        node,
        path,
        { key: "field" },
        "OVERLAPS tests the session's time window and names no field; write OVERLAPS [t0, t1] on its own (in a tree, leave out field)",
      );
      return this.invalid;
    }
    if (!Array.isArray(node.value) || node.value.length !== 2) {
      this.report(node, path, { key: "value" }, "OVERLAPS takes a window of two times [t0, t1]");
      return this.invalid;
    }

    const bounds: bigint[] = [];
    node.value.forEach((item, index) => {
      const ns = item === null ? undefined : readTimeNs(item);
      if (ns !== undefined) bounds.push(ns);
      else
        this.report(
          node,
          path,
          { key: "value", item: index },
          `each bound of OVERLAPS takes ${TIME_FORMS}; received ${describeQueryValue(item)}`,
        );
    });
    const [from, to] = bounds;
    if (from === undefined || to === undefined) return this.invalid;
    if (from > to) {
      this.report(
        node,
        path,
        { key: "value", item: 0 },
        `the window starts after it ends (${from} > ${to}); write [t0, t1] with t0 <= t1`,
      );
      return this.invalid;
    }
    return { kind: "overlaps", from, to };
  }
}
