import { useEffect, useId, type ReactNode } from "react";
import { useI18n } from "../i18n/I18n";
import type { RequestError } from "../lib/graphql";
import { describeError } from "../lib/errors";
import { useSession } from "../lib/session";

export interface ControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
}

/** A labelled control with an optional hint and its error right below it. */
export function Field(props: {
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const { t } = useI18n();
  const described = [props.hint && `${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(" ");
  return (
    <div className={props.error ? "field invalid" : "field"}>
      <label htmlFor={id}>
        {props.label}
        {props.required && <span className="req"> ({t("common.required")})</span>}
      </label>
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children({ id, "aria-describedby": described || undefined, "aria-invalid": props.error ? true : undefined })}
      {props.error && (
        <p className="error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** Errors that belong to no single field, announced when they appear. */
export function FormErrors({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="form-errors" role="alert">
      {messages.length === 1 ? (
        <p>{messages[0]}</p>
      ) : (
        <ul>
          {messages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A failed query, in plain language, with the request id for support. */
export function LoadError({ error }: { error: RequestError }) {
  const { t, lang } = useI18n();
  const { recheck } = useSession();
  useEffect(() => {
    if (error.code === "FORBIDDEN" || error.code === "UNAUTHENTICATED") recheck();
  }, [error, recheck]);
  return (
    <div className="form-errors" role="alert">
      <p>{describeError(error, t, lang)}</p>
      {error.code === "UNAUTHENTICATED" && (
        <p>
          <a href={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`}>{t("signIn.title")}</a>
        </p>
      )}
      {error.requestId && <p className="muted">{t("errors.requestId", { id: error.requestId })}</p>}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p role="status" className="muted">
      {t("common.loading")}
    </p>
  );
}

/** Sets the document title for the page: "<page> · Advocase". */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Advocase`;
  }, [title]);
}

export function StatusBadge({ status }: { status: string }) {
  const { te } = useI18n();
  return <span className={`badge status-${status.toLowerCase()}`}>{te("CaseStatus", status)}</span>;
}

/** A status message (saved, sent, …), announced by screen readers; nothing while there is none. */
export function Notice({ message }: { message: string | null }) {
  return <div role="status">{message && <p className="notice">{message}</p>}</div>;
}

/** Toggle a value in a list. */
export const toggle = (list: readonly string[], value: string, on: boolean): string[] =>
  on ? [...new Set([...list, value])] : list.filter((x) => x !== value);

/** A group of checkboxes with a legend and an error below it. */
export function CheckGroup({ legend, options, value, onChange, error, hint }: {
  legend: string;
  options: { value: string; label: string; disabled?: boolean }[];
  value: readonly string[];
  onChange(v: string[]): void;
  error?: string;
  hint?: string;
}) {
  const id = `cg${useId()}`; // unique: the same group may be on a page twice (an add form and an edit form)
  const described = [hint && `${id}-hint`, error && `${id}-err`].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset aria-describedby={described} className={error ? "invalid" : undefined}>
      <legend>{legend}</legend>
      {hint && (
        <p className="hint muted" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="checkgrid">
        {options.map((o) => (
          <label className="checkbox" key={o.value}>
            <input
              type="checkbox"
              disabled={o.disabled}
              checked={value.includes(o.value)}
              onChange={(e) => onChange(toggle(value, o.value, e.target.checked))}
            />
            {o.label}
          </label>
        ))}
      </div>
      {error && (
        <p className="error" id={`${id}-err`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}
