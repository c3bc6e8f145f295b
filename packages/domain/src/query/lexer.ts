import { createToken, Lexer, type TokenType } from "chevrotain";

// Tokens of the session query language. Keywords are case-insensitive. The
// lexer tries patterns in the order of `ALL_TOKENS`, so a longer keyword comes
// before its prefix (NOT_EQUALS before NOT), and each keyword gives way to an
// identifier that continues past it (`notes` is a field, not NOT).

/** A field name or dotted path: `name`, `device.id`, `custom_fields.weather`. */
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/,
  label: "a field name",
});

function keyword(name: string, label: string, categories: TokenType[] = []): TokenType {
  return createToken({
    name,
    pattern: new RegExp(name, "i"),
    longer_alt: Identifier,
    label,
    categories,
  });
}

/** Comparators followed by one value. */
export const BinaryComparator = createToken({
  name: "BinaryComparator",
  pattern: Lexer.NA,
  label: "a comparator",
});
/** Comparators that take no value. */
export const PresenceComparator = createToken({
  name: "PresenceComparator",
  pattern: Lexer.NA,
  label: "a comparator",
});

const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED });

/** A single-quoted string; `''` inside it is one quote. */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /'(?:[^']|'')*'/,
  label: "a string in single quotes",
});

/** A decimal number: an optional minus, digits, an optional fraction and exponent. */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/,
  label: "a number",
});

const symbol = (name: string, pattern: string, categories: TokenType[] = []) =>
  createToken({ name, pattern, label: `'${pattern}'`, categories });

export const LParen = symbol("LParen", "(");
export const RParen = symbol("RParen", ")");
export const LBracket = symbol("LBracket", "[");
export const RBracket = symbol("RBracket", "]");
export const Comma = symbol("Comma", ",");

const GreaterEqual = symbol("GreaterEqual", ">=", [BinaryComparator]);
const LessEqual = symbol("LessEqual", "<=", [BinaryComparator]);
const NotEqual = symbol("NotEqual", "!=", [BinaryComparator]);
const Equal = symbol("Equal", "=", [BinaryComparator]);
const Greater = symbol("Greater", ">", [BinaryComparator]);
const Less = symbol("Less", "<", [BinaryComparator]);

const binaryWord = (name: string) => keyword(name, name, [BinaryComparator]);
const presenceWord = (name: string) => keyword(name, name, [PresenceComparator]);

export const GreaterThanOrEqual = binaryWord("GREATER_THAN_OR_EQUAL");
export const GreaterThan = binaryWord("GREATER_THAN");
export const LessThanOrEqual = binaryWord("LESS_THAN_OR_EQUAL");
export const LessThan = binaryWord("LESS_THAN");
export const NotEquals = binaryWord("NOT_EQUALS");
export const NotContains = binaryWord("NOT_CONTAINS");
export const NotExists = presenceWord("NOT_EXISTS");
export const IsNotNull = presenceWord("IS_NOT_NULL");
export const IsNull = presenceWord("IS_NULL");
export const Equals = binaryWord("EQUALS");
export const Contains = binaryWord("CONTAINS");
export const BeginsWith = binaryWord("BEGINS_WITH");
export const Exists = presenceWord("EXISTS");
export const Overlaps = keyword("OVERLAPS", "OVERLAPS");
export const And = keyword("AND", "AND");
export const Or = keyword("OR", "OR");
export const Not = keyword("NOT", "NOT");
export const In = keyword("IN", "IN");
export const Is = keyword("IS", "IS");
export const Null = keyword("NULL", "NULL");
export const True = keyword("TRUE", "TRUE");
export const False = keyword("FALSE", "FALSE");

/** Every token, in the order the lexer tries them. */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  StringLiteral,
  NumberLiteral,
  GreaterEqual,
  LessEqual,
  NotEqual,
  Equal,
  Greater,
  Less,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  GreaterThanOrEqual,
  GreaterThan,
  LessThanOrEqual,
  LessThan,
  NotEquals,
  NotContains,
  NotExists,
  IsNotNull,
  IsNull,
  Equals,
  Contains,
  BeginsWith,
  Exists,
  Overlaps,
  And,
  Or,
  Not,
  In,
  Is,
  Null,
  True,
  False,
  Identifier,
  BinaryComparator,
  PresenceComparator,
];

/** The lexer of the query language; it tracks lines and columns for error positions. */
export const queryLexer = new Lexer(ALL_TOKENS, {
  positionTracking: "full",
  ensureOptimizations: true,
});
