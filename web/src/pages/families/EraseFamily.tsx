// Erasing a family that asks to be forgotten (family:erase, admins): everything of the family goes for good, so
// the admin reads what will go and types the family's name to confirm.
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { graphql } from "../../gql";
import { Field, FormErrors } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { useAction } from "../../lib/useAction";

const EraseFamilyDocument = graphql(`
  mutation EraseFamily($input: EraseFamilyInput!) {
    eraseFamily(input: $input) { ok cases errors { code message field } }
  }
`);

export function EraseFamily({ family }: { family: { id: string; displayName?: string | null } }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const action = useAction(["confirmDisplayName"]);
  const name = family.displayName ?? "";

  async function erase(e: FormEvent) {
    e.preventDefault();
    if (!typed.trim()) return action.fail({ confirmDisplayName: t("family.eraseTypeName") });
    const ok = await action.run(
      async () => (await request(EraseFamilyDocument, { input: { id: family.id, confirmDisplayName: typed } })).eraseFamily.errors,
    );
    if (ok) navigate("/families", { state: { erased: name } });
  }

  if (!open) {
    return (
      <p>
        <button type="button" className="danger secondary" onClick={() => setOpen(true)}>
          {t("family.erase")}
        </button>
      </p>
    );
  }
  return (
    <section className="panel danger-zone" aria-labelledby="family-erase">
      <h2 id="family-erase">{t("family.erase")}</h2>
      <p>{t("family.eraseWhat")}</p>
      <form onSubmit={erase} noValidate>
        <FormErrors messages={action.errors.general} />
        <Field label={t("family.eraseConfirm", { name })} error={action.errors.fields.confirmDisplayName} required>
          {(p) => <input {...p} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />}
        </Field>
        <div className="actions">
          <button type="submit" className="danger" disabled={action.busy}>
            {t("family.eraseButton")}
          </button>
          <button type="button" className="secondary" disabled={action.busy} onClick={() => setOpen(false)}>
            {t("common.cancel")}
          </button>
        </div>
      </form>
    </section>
  );
}
