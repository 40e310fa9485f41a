/** A fresh idempotency key (one per draft or form): a retried send (double click, lost answer) does nothing twice.
 *  crypto.randomUUID needs a secure context; the fallback keeps a plain-http page working. */
export function newIdempotencyKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
