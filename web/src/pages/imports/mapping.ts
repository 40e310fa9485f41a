// Column mapping for an import: reading a CSV file's header row and matching its columns to the import fields.

/** "Family Name", "family_name", " FAMILY-NAME " -> "familyname": how headers and fields are compared. */
export function normalizeHeader(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

/** The first record of a CSV text (RFC 4180 quoting, a BOM, CRLF or LF), trimmed; empty headers dropped. */
export function csvHeader(text: string): string[] {
  const s = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const out: string[] = [];
  let cell = "";
  let quoted = false;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") break;
    else cell += c;
  }
  out.push(cell);
  return out.map((h) => h.trim()).filter((h) => h !== "");
}

/** field name -> the file's column that feeds it ("" or absent: not imported). */
export type Mapping = Record<string, string>;

/**
 * Proposes a mapping: a column whose header is the field's name ("family_name", "Family Name") feeds it;
 * otherwise a header equal to the field's name without its entity prefix ("Phone" -> family_phone is NOT
 * guessed when two fields could take it). Each column feeds at most one field.
 */
export function autoMatch(headers: readonly string[], fields: readonly string[]): Mapping {
  const out: Mapping = {};
  const used = new Set<string>();
  const byKey = new Map<string, string>();
  for (const h of headers) if (!byKey.has(normalizeHeader(h))) byKey.set(normalizeHeader(h), h);
  for (const f of fields) {
    const h = byKey.get(normalizeHeader(f));
    if (h && !used.has(h)) {
      out[f] = h;
      used.add(h);
    }
  }
  // Second pass: "Title" -> case_title when exactly one unmatched field ends with that name.
  for (const h of headers) {
    if (used.has(h)) continue;
    const k = normalizeHeader(h);
    if (!k) continue;
    const candidates = fields.filter((f) => !(f in out) && normalizeHeader(f.replace(/^[a-z]+_/, "")) === k);
    if (candidates.length === 1) {
      out[candidates[0]] = h;
      used.add(h);
    }
  }
  return out;
}

/** A saved mapping applied to this file: only the columns the file has (compared like the server does). */
export function applySaved(saved: readonly { field: string; column: string }[], headers: readonly string[]): Mapping {
  const out: Mapping = {};
  for (const { field, column } of saved) {
    const h = headers.find((x) => normalizeHeader(x) === normalizeHeader(column));
    if (h) out[field] = h;
  }
  return out;
}

/** The mapping as the API takes it (fields without a column left out), in the fields' order. */
export function toColumns(mapping: Mapping, fields: readonly string[]): { field: string; column: string }[] {
  return fields.filter((f) => mapping[f]).map((f) => ({ field: f, column: mapping[f] }));
}

/** Columns of the file that no field reads. */
export function unmapped(mapping: Mapping, headers: readonly string[]): string[] {
  const used = new Set(Object.values(mapping).filter(Boolean));
  return headers.filter((h) => !used.has(h));
}

/** Columns chosen for more than one field (the server refuses the same column twice only per field). */
export function duplicateColumns(mapping: Mapping): string[] {
  const seen = new Map<string, number>();
  for (const c of Object.values(mapping)) if (c) seen.set(c, (seen.get(c) ?? 0) + 1);
  return [...seen.entries()].filter(([, n]) => n > 1).map(([c]) => c);
}
