import type { UserError } from "../../../lib/errors";

export const isConflict = (errors: readonly UserError[]) => errors.some((e) => e.code === "CONFLICT");

/** A fresh key per escalation draft: a retried send (double click, network hiccup) sends nothing twice. */
export function newIdempotencyKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
