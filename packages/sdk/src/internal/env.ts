/**
 * Reads an environment variable where the runtime has one: `process.env` on
 * Node.js, Bun and Deno 2, `Deno.env` on older Deno. Browsers and Workers have
 * none, so the result there is `undefined`. An empty value reads as unset.
 */
export function readEnv(name: string): string | undefined {
  const runtime = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env?: { get(name: string): string | undefined } };
  };

  const fromProcess = runtime.process?.env?.[name];
  if (fromProcess) return fromProcess;

  try {
    // Deno throws when the script lacks the permission to read the variable.
    return runtime.Deno?.env?.get(name) || undefined;
  } catch {
    return undefined;
  }
}
