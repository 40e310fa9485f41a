// Choosing colleagues (case assignees, campaign and network leads): find one by name or email, tick, untick. Those
// ticked stay listed by name whatever the search shows, so they can be unticked; `can` keeps the colleagues whose
// roles grant a permission (an assignee who can open cases, a lead who can see campaigns).
import { useRef, useState } from "react";
import { graphql } from "../gql";
import { useI18n } from "../i18n/I18n";
import { useQuery } from "../lib/useQuery";
import { useSession } from "../lib/session";
import { useSettled } from "../lib/useSettled";
import { CheckGroup, Field } from "./forms";

const ColleaguesDocument = graphql(`
  query ColleaguePicker($can: String, $search: String) {
    colleagues(can: $can, search: $search, first: 30) { id displayName }
  }
`);

export function ColleaguePicker({ legend, hint, can, value, onChange, known, error }: {
  legend: string;
  hint?: string;
  can: string;
  value: readonly string[];
  onChange(ids: string[]): void;
  /** People whose names the page already has (the current assignees or leads). */
  known: readonly { id: string; displayName: string }[];
  error?: string;
}) {
  const { t } = useI18n();
  const { me } = useSession();
  const [search, setSearch] = useState("");
  const settled = useSettled(search.trim());
  const colleagues = useQuery(ColleaguesDocument, { can, search: settled || null });
  const names = useRef(new Map<string, string>()).current;
  for (const p of known) names.set(p.id, p.displayName);
  if (me) names.set(me.user.id, me.user.displayName);
  const found = colleagues.data?.colleagues ?? [];
  for (const u of found) names.set(u.id, u.displayName);
  const options = [...new Set([...value, ...found.map((u) => u.id)])]
    .map((id) => ({ value: id, label: names.get(id) ?? id }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return (
    <>
      <Field label={t("colleagues.find")}>
        {(p) => <input {...p} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />}
      </Field>
      {settled && !colleagues.loading && found.length === 0 && <p className="muted">{t("colleagues.noMatch")}</p>}
      <CheckGroup legend={legend} hint={hint} options={options} value={value} onChange={onChange} error={error} />
    </>
  );
}
