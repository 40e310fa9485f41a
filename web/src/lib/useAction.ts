// The one way a form runs a mutation: a busy flag while it runs, the server's typed errors placed next to the
// fields at fault (the rest on top), a request failure as a general error and a status message when it is done.
import { useEffect, useRef, useState } from "react";
import { useI18n } from "../i18n/I18n";
import { describeError, mapErrors, type Describe, type MappedErrors, type UserError } from "./errors";
import type { RequestError } from "./graphql";

export const NO_ERRORS: MappedErrors = { fields: {}, general: [] };

export interface RunOptions {
  /** Shown as the status message on success. */
  success?: string;
  /** The fields this run's inputs have, when not the hook's `known` (a second button of the same section). */
  fields?: readonly string[];
  /**
   * Sees the errors before they are shown, with the usual placement (`mapped`), and returns what to show:
   * for the codes a form treats specially (a CONFLICT that shows the latest version, a second factor asked for…).
   */
  onErrors?(errors: readonly UserError[], mapped: MappedErrors): MappedErrors | Promise<MappedErrors>;
}

export interface Action {
  busy: boolean;
  errors: MappedErrors;
  message: string | null;
  setMessage(m: string | null): void;
  /** Client-side checks (or a caller's own problem): show these errors and do not run. */
  fail(fields: Record<string, string>, general?: string[]): void;
  /**
   * Runs `fn` (a mutation returning its `errors`); resolves true when it returned none. `options`: the success
   * message, or RunOptions.
   */
  run(fn: () => Promise<readonly UserError[]>, options?: string | RunOptions): Promise<boolean>;
  reset(): void;
}

/**
 * One form's mutation state. `known`: the input fields the form shows (errors on others go to the top).
 * `describe`: how an error is worded (the admin pages word some codes their own way).
 */
export function useAction(known: readonly string[], { describe = describeError }: { describe?: Describe } = {}): Action {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<MappedErrors>(NO_ERRORS);
  const [message, setMessage] = useState<string | null>(null);
  // After errors are shown: the form that was sent, and how many times errors were shown (see the effect below).
  const form = useRef<HTMLFormElement | null>(null);
  const [shown, setShown] = useState(0);
  // (taken when the form is sent: its button is disabled while the request runs, which takes the focus away)
  const sentForm = () => (document.activeElement instanceof HTMLElement ? document.activeElement.closest("form") : null);
  const showErrors = (next: MappedErrors, sent: HTMLFormElement | null) => {
    form.current = sent;
    setErrors(next);
    setShown((n) => n + 1);
  };
  // Errors may sit far above the button that sent the form (a long intake on a phone): focus the first field in
  // error, or the form's general errors, so that they are seen and read out, instead of nothing seeming to happen.
  useEffect(() => {
    const sent = form.current;
    if (!shown || !sent?.isConnected) return;
    const target =
      sent.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      sent.querySelector<HTMLElement>(".field.invalid input, .field.invalid select, .field.invalid textarea") ??
      sent.querySelector<HTMLElement>(".form-errors, p.error");
    if (!target) return;
    if (!target.matches("input, select, textarea, button")) target.tabIndex = -1;
    target.focus({ preventScroll: true });
    target.scrollIntoView?.({ block: "center" });
  }, [shown]);
  return {
    busy,
    errors,
    message,
    setMessage,
    fail: (fields, general = []) => {
      setMessage(null);
      showErrors({ fields, general }, sentForm());
    },
    reset: () => {
      setErrors(NO_ERRORS);
      setMessage(null);
    },
    run: async (fn, options) => {
      const { success, fields = known, onErrors }: RunOptions = typeof options === "string" ? { success: options } : options ?? {};
      const sent = sentForm();
      setBusy(true);
      setMessage(null);
      try {
        const errs = await fn();
        if (errs.length) {
          const mapped = mapErrors(errs, fields, t, lang, describe);
          showErrors(onErrors ? await onErrors(errs, mapped) : mapped, sent);
          return false;
        }
        setErrors(NO_ERRORS);
        if (success) setMessage(success);
        return true;
      } catch (err) {
        showErrors({ fields: {}, general: [describeError(err as RequestError, t, lang)] }, sent);
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}
