/** Makes new resource ids. Injected so tests can predict or inspect them. */
export interface IdGenerator {
  /** A new id with a type prefix such as `ss_`; ids are opaque to clients. */
  next(prefix: string): string;
}

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * Ids of 20 random characters from a 32-letter alphabet (100 bits), so they
 * cannot be guessed or collide in practice.
 */
export const randomIds: IdGenerator = {
  next(prefix: string): string {
    return `${prefix}${randomToken(20)}`;
  },
};

/** Random text of `length` characters from a 32-letter alphabet, 5 bits each. */
export function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let text = "";
  for (const byte of bytes) text += ALPHABET[byte & 31];
  return text;
}
