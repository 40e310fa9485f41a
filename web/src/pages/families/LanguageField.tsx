// A family's preferred language: the organization's languages and the common ones, named in the page's language.
import { Field } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { FAMILY_LANGUAGES, languageName } from "../../lib/languages";
import { useSession } from "../../lib/session";

export function LanguageField({ value, onChange, error }: { value: string; onChange(code: string): void; error?: string }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const codes = Array.from(new Set([...(me?.organization.languages ?? []), ...FAMILY_LANGUAGES, value]));
  return (
    <Field label={t("family.language")} error={error}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          {codes.map((code) => (
            <option key={code} value={code}>
              {languageName(lang, code)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
