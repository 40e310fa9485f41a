// Small text helpers shared by pages.

/**
 * The parts that are set, each once, joined: a contact whose office is the school it works at reads
 * "Principal · East Boston High School", not the school twice. Parts are compared trimmed and case-insensitively.
 */
export function joinDistinct(parts: readonly (string | null | undefined)[], separator = " · "): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of parts) {
    const text = part?.trim();
    if (!text || seen.has(text.toLocaleLowerCase())) continue;
    seen.add(text.toLocaleLowerCase());
    out.push(text);
  }
  return out.join(separator);
}
