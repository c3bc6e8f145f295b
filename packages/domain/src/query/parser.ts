import { EmbeddedActionsParser, type ILexingError, type IToken, tokenMatcher } from "chevrotain";
import { type Comparator, comparatorFromText } from "./comparators.js";
import type { ComparisonNode, ConditionNode, GroupNode, QueryScalar } from "./condition-tree.js";
import { QUERY_LIMITS } from "./condition-tree.js";
import {
  ALL_TOKENS,
  And,
  BinaryComparator,
  Comma,
  False,
  Identifier,
  In,
  Is,
  LBracket,
  LParen,
  Not,
  Null,
  NumberLiteral,
  Or,
  Overlaps,
  PresenceComparator,
  queryLexer,
  RBracket,
  RParen,
  StringLiteral,
  True,
} from "./lexer.js";
import { PARSE_MESSAGES } from "./parse-messages.js";
import { issueAtSpan, type QueryIssue } from "./query-issue.js";
import type { ComparisonSpans, SourceSpan } from "./source-span.js";

/** Positions of the parts of a parsed query in its text, for error messages. */
export interface QuerySpans {
  comparisons: WeakMap<ComparisonNode, ComparisonSpans>;
  /** The NOT token of a NOT group, or the first AND or OR of an AND or OR group. */
  groups: WeakMap<GroupNode, SourceSpan>;
}

/** Result of parsing a query string: the condition tree (`null` for an empty query) or the first problem. */
export type ParsedQueryString =
  | { ok: true; condition: ConditionNode | null; spans: QuerySpans }
  | { ok: false; issue: QueryIssue };

interface Literal {
  value: QueryScalar;
  span: SourceSpan;
}

/** Position of a token as a span. */
function spanOf(token: IToken, image: string = token.image): SourceSpan {
  return {
    offset: token.startOffset,
    line: token.startLine ?? 1,
    column: token.startColumn ?? 1,
    token: image,
  };
}

/**
 * Reads a literal token. Integers keep every digit: within the safe range of
 * a `number` they are numbers, beyond it bigints, the same values the
 * int64-exact JSON codec gives for the same digits in a JSON tree.
 */
function literalValue(token: IToken): QueryScalar {
  if (tokenMatcher(token, StringLiteral)) return token.image.slice(1, -1).replace(/''/g, "'");
  if (tokenMatcher(token, True)) return true;
  if (tokenMatcher(token, False)) return false;
  if (tokenMatcher(token, Null)) return null;
  if (/^-?\d+$/.test(token.image)) {
    const integer = BigInt(token.image);
    return integer >= BigInt(Number.MIN_SAFE_INTEGER) && integer <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(integer)
      : integer;
  }
  return Number(token.image);
}

/**
 * The grammar, by precedence from loosest to tightest:
 *
 *     query       := disjunction
 *     disjunction := conjunction (OR conjunction)*
 *     conjunction := negation (AND negation)*
 *     negation    := NOT* primary
 *     primary     := '(' disjunction ')' | window | comparison
 *     comparison  := field ( comparator literal | IN '(' literal (',' literal)* ')'
 *                          | presence-comparator | IS [NOT] NULL | window )
 *     window      := OVERLAPS '[' literal ',' literal ']'
 *
 * Repetitions are loops, so only parentheses make the parser recurse; the
 * caller limits their nesting before parsing.
 */
class QueryParser extends EmbeddedActionsParser {
  spans: QuerySpans = { comparisons: new WeakMap(), groups: new WeakMap() };

  constructor() {
    super(ALL_TOKENS, { errorMessageProvider: PARSE_MESSAGES, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  query = this.RULE("query", (): ConditionNode => this.SUBRULE(this.disjunction));

  disjunction = this.RULE("disjunction", (): ConditionNode => {
    const first = this.SUBRULE(this.conjunction);
    const rest: ConditionNode[] = [];
    let operator: IToken | undefined;
    this.MANY(() => {
      const token = this.CONSUME(Or);
      operator ??= token;
      rest.push(this.SUBRULE2(this.conjunction));
    });
    return this.ACTION(() => this.joined("OR", first, rest, operator));
  });

  conjunction = this.RULE("conjunction", (): ConditionNode => {
    const first = this.SUBRULE(this.negation);
    const rest: ConditionNode[] = [];
    let operator: IToken | undefined;
    this.MANY(() => {
      const token = this.CONSUME(And);
      operator ??= token;
      rest.push(this.SUBRULE2(this.negation));
    });
    return this.ACTION(() => this.joined("AND", first, rest, operator));
  });

  negation = this.RULE("negation", (): ConditionNode => {
    const nots: IToken[] = [];
    this.MANY(() => {
      nots.push(this.CONSUME(Not));
    });
    const operand = this.SUBRULE(this.primary);
    return this.ACTION(() => {
      let node = operand;
      for (const token of nots.reverse()) {
        const group: GroupNode = { operator: "NOT", conditions: [node] };
        this.spans.groups.set(group, spanOf(token));
        node = group;
      }
      return node;
    });
  });

  primary = this.RULE(
    "primary",
    (): ConditionNode =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(LParen);
            const inner = this.SUBRULE(this.disjunction);
            this.CONSUME(RParen);
            return inner;
          },
        },
        { ALT: () => this.SUBRULE(this.window) },
        { ALT: () => this.SUBRULE(this.comparison) },
      ]),
  );

  comparison = this.RULE("comparison", (): ConditionNode => {
    const field = this.CONSUME(Identifier);
    return this.OR([
      {
        ALT: () => {
          const comparator = this.CONSUME(BinaryComparator);
          const literal = this.SUBRULE(this.literal);
          return this.ACTION(() =>
            this.comparisonNode(
              field,
              comparator,
              comparatorFromText(comparator.image) as Comparator,
              literal.value,
              {
                value: literal.span,
              },
            ),
          );
        },
      },
      {
        ALT: () => {
          const comparator = this.CONSUME(In);
          this.CONSUME(LParen);
          const items: Literal[] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: Comma,
            DEF: () => {
              items.push(this.SUBRULE2(this.literal));
            },
          });
          this.CONSUME(RParen);
          return this.ACTION(() =>
            this.comparisonNode(
              field,
              comparator,
              "IN",
              items.map((item) => item.value),
              { items: items.map((item) => item.span) },
            ),
          );
        },
      },
      {
        ALT: () => {
          const comparator = this.CONSUME(PresenceComparator);
          return this.ACTION(() =>
            this.comparisonNode(
              field,
              comparator,
              comparatorFromText(comparator.image) as Comparator,
            ),
          );
        },
      },
      {
        ALT: () => {
          const is = this.CONSUME(Is);
          const not = this.OPTION(() => this.CONSUME1(Not));
          const nullToken = this.CONSUME(Null);
          return this.ACTION(() => {
            const text = not
              ? `${is.image} ${not.image} ${nullToken.image}`
              : `${is.image} ${nullToken.image}`;
            return this.comparisonNode(
              field,
              is,
              not ? "IS_NOT_NULL" : "IS_NULL",
              undefined,
              {},
              text,
            );
          });
        },
      },
      {
        ALT: () => {
          const window = this.SUBRULE2(this.window);
          return this.ACTION(() => {
            const node = window as ComparisonNode;
            node.field = field.image;
            const spans = this.spans.comparisons.get(node);
            if (spans) spans.field = spanOf(field);
            return node;
          });
        },
      },
    ]);
  });

  window = this.RULE("window", (): ConditionNode => {
    const comparator = this.CONSUME(Overlaps);
    this.CONSUME(LBracket);
    const from = this.SUBRULE(this.literal);
    this.CONSUME(Comma);
    const to = this.SUBRULE2(this.literal);
    this.CONSUME(RBracket);
    return this.ACTION(() => {
      const node: ComparisonNode = { comparator: "OVERLAPS", value: [from.value, to.value] };
      this.spans.comparisons.set(node, {
        comparator: spanOf(comparator),
        items: [from.span, to.span],
      });
      return node;
    });
  });

  literal = this.RULE("literal", (): Literal => {
    const token = this.OR([
      { ALT: () => this.CONSUME(StringLiteral) },
      { ALT: () => this.CONSUME(NumberLiteral) },
      { ALT: () => this.CONSUME(True) },
      { ALT: () => this.CONSUME(False) },
      { ALT: () => this.CONSUME(Null) },
    ]);
    return this.ACTION(() => ({ value: literalValue(token), span: spanOf(token) }));
  });

  private joined(
    operator: "AND" | "OR",
    first: ConditionNode,
    rest: ConditionNode[],
    token?: IToken,
  ): ConditionNode {
    if (rest.length === 0 || token === undefined) return first;
    const group: GroupNode = { operator, conditions: [first, ...rest] };
    this.spans.groups.set(group, spanOf(token));
    return group;
  }

  private comparisonNode(
    field: IToken,
    comparatorToken: IToken,
    comparator: Comparator,
    value?: ComparisonNode["value"],
    spans: Omit<ComparisonSpans, "field" | "comparator"> = {},
    comparatorImage: string = comparatorToken.image,
  ): ComparisonNode {
    const node: ComparisonNode =
      value === undefined
        ? { field: field.image, comparator }
        : { field: field.image, comparator, value };
    this.spans.comparisons.set(node, {
      field: spanOf(field),
      comparator: spanOf(comparatorToken, comparatorImage),
      ...spans,
    });
    return node;
  }
}

let parser: QueryParser | undefined;

/**
 * Parses a query string into the condition tree its JSON form would give.
 * Returns the first lexical or syntax problem with its position; an empty or
 * blank query is `null`, which matches every session.
 */
export function parseQueryString(text: string): ParsedQueryString {
  const emptySpans: QuerySpans = { comparisons: new WeakMap(), groups: new WeakMap() };
  if (text.trim() === "") return { ok: true, condition: null, spans: emptySpans };
  if (text.length > QUERY_LIMITS.queryLength) {
    return {
      ok: false,
      issue: {
        path: "query",
        reason: `must be at most ${QUERY_LIMITS.queryLength} characters, received ${text.length}; send long lists as a condition tree`,
      },
    };
  }

  const lexed = queryLexer.tokenize(text);
  const lexError = lexed.errors[0];
  if (lexError) return { ok: false, issue: lexingIssue(text, lexError) };

  const tooDeep = firstTooDeepParenthesis(lexed.tokens);
  if (tooDeep) {
    return {
      ok: false,
      issue: issueAtSpan(
        "query",
        spanOf(tooDeep),
        `parentheses nest deeper than ${QUERY_LIMITS.depth} levels; flatten the query`,
      ),
    };
  }

  parser ??= new QueryParser();
  parser.spans = { comparisons: new WeakMap(), groups: new WeakMap() };
  parser.input = lexed.tokens;
  const condition = parser.query();
  const syntaxError = parser.errors[0];
  if (syntaxError) {
    const token = syntaxError.token;
    const atEnd = token.tokenType.name === "EOF" || Number.isNaN(token.startOffset);
    const span = atEnd ? endOfQuery(text) : spanOf(token);
    return { ok: false, issue: issueAtSpan("query", span, syntaxError.message) };
  }
  return { ok: true, condition, spans: parser.spans };
}

function firstTooDeepParenthesis(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  for (const token of tokens) {
    if (tokenMatcher(token, LParen)) {
      depth++;
      if (depth > QUERY_LIMITS.depth) return token;
    } else if (tokenMatcher(token, RParen)) {
      depth--;
    }
  }
  return undefined;
}

function endOfQuery(text: string): SourceSpan {
  const lines = text.split(/\r\n|\r|\n/);
  const last = lines[lines.length - 1] ?? "";
  return { offset: text.length, line: lines.length, column: last.length + 1, token: "" };
}

function lexingIssue(text: string, error: ILexingError): QueryIssue {
  const character = text.charAt(error.offset);
  const span: SourceSpan = {
    offset: error.offset,
    line: error.line ?? 1,
    column: error.column ?? 1,
    token: text.slice(error.offset, error.offset + Math.max(1, error.length)),
  };
  let reason: string;
  if (character === "'") {
    reason =
      "unterminated string; end it with a single quote, and write a quote inside a string as ''";
  } else if (character === '"') {
    reason = "strings are written in single quotes, such as 'clear'";
  } else {
    reason = `unexpected character '${character}'; a query holds field names, comparators, values in single quotes or digits, AND, OR, NOT and parentheses`;
  }
  return issueAtSpan("query", span, reason);
}
