/**
 * Makes a new idempotency key: a random UUID where Web Crypto has
 * `randomUUID` (Node.js 19+, browsers, Deno, Bun, Workers). Node.js 18 has no
 * global `crypto`, so there the key falls back to `Math.random`, which is
 * unique in practice but predictable. Pass `idempotencyKey` to choose one.
 */
export function newIdempotencyKey(): string {
  const webCrypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof webCrypto?.randomUUID === "function") return `sdk-${webCrypto.randomUUID()}`;

  let random = "";
  while (random.length < 32) random += Math.random().toString(16).slice(2);
  return `sdk-${Date.now().toString(16)}-${random.slice(0, 32)}`;
}
