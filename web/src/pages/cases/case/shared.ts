import type { UserError } from "../../../lib/errors";

export const isConflict = (errors: readonly UserError[]) => errors.some((e) => e.code === "CONFLICT");
