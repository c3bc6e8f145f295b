import {
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
  tokenLabel,
} from "chevrotain";

// Syntax error messages of the query parser. Each states what was found and
// what would be valid there, in the terms of the query language rather than
// the grammar's rule names.

const COMPARATOR_LIST =
  "=, !=, >, >=, <, <=, CONTAINS, NOT_CONTAINS, BEGINS_WITH, IN (...), IS_NULL, IS_NOT_NULL, EXISTS, NOT_EXISTS or OVERLAPS [t0, t1]";
const VALUE_LIST = "a string in single quotes such as 'clear', a number, TRUE, FALSE or NULL";
const CONDITION_START = "a condition: a field name such as 'tags', NOT, '(' or OVERLAPS [t0, t1]";

function found(token: IToken): string {
  if (token.tokenType.name === "EOF") return "the end of the query";
  return `'${token.image}'`;
}

function valueHint(token: IToken): string {
  return token.tokenType.name === "Identifier"
    ? `; write text in single quotes, such as '${token.image}'`
    : "";
}

/** Builds the parser's syntax error messages. */
export const PARSE_MESSAGES: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    const want = tokenLabel(expected);
    if (expected.name === "RParen" && ruleName === "primary") {
      return `expected ')' to close a parenthesis, found ${found(actual)}`;
    }
    if (expected.name === "RParen" && ruleName === "comparison") {
      return `expected ',' or ')' in the IN list after ${found(previous)}, found ${found(actual)}`;
    }
    if (ruleName === "window") {
      return `OVERLAPS takes a window written [t0, t1]: expected ${want}, found ${found(actual)}`;
    }
    if (ruleName === "comparison" && expected.name === "LParen") {
      return `IN takes a list in parentheses, such as IN ('a', 'b'): expected '(', found ${found(actual)}`;
    }
    return `expected ${want}, found ${found(actual)}`;
  },

  buildNotAllInputParsedMessage({ firstRedundant }) {
    if (firstRedundant.tokenType.name === "RParen") {
      return "unmatched ')'; remove it or add the '(' it closes";
    }
    return `unexpected ${found(firstRedundant)} after a complete condition; join conditions with AND or OR`;
  },

  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    const token = actual[0] as IToken;
    if (ruleName === "comparison") {
      return `expected a comparator after the field '${previous.image}': ${COMPARATOR_LIST}; found ${found(token)}`;
    }
    if (ruleName === "literal") {
      return `expected a value: ${VALUE_LIST}; found ${found(token)}${valueHint(token)}`;
    }
    if (ruleName === "primary") {
      return `expected ${CONDITION_START}; found ${found(token)}`;
    }
    return `expected ${firstTokens(expectedPathsPerAlt)}, found ${found(token)}`;
  },

  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const token = actual[0] as IToken;
    if (ruleName === "comparison") {
      return `IN takes at least one value: ${VALUE_LIST}; found ${found(token)}${valueHint(token)}`;
    }
    return `expected ${firstTokens([expectedIterationPaths])}, found ${found(token)}`;
  },
};

function firstTokens(pathsPerAlternative: TokenType[][][]): string {
  const labels = new Set<string>();
  for (const paths of pathsPerAlternative) {
    for (const path of paths) {
      const first = path[0];
      if (first) labels.add(tokenLabel(first));
    }
  }
  return [...labels].join(" or ");
}
