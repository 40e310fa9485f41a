// The families in my record scope, newest first; with family:identity, found by name, phone or a student's name.
import { useEffect, useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { graphql } from "../../gql";
import { Field, LoadError, Loading, Notice, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { Pager } from "../../components/Pager";
import { useAddressFilters } from "../../lib/useAddressFilters";
import { useQuery } from "../../lib/useQuery";
import { useSession } from "../../lib/session";
import { languageName } from "../../lib/languages";
import { MAX_LENGTH } from "../../lib/limits";

const FamiliesDocument = graphql(`
  query Families($search: String, $chapterId: ID, $after: String) {
    families(search: $search, chapterId: $chapterId, first: 25, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id displayName redacted preferredLanguage interpreterNeeded phone chapter { name }
          students { id firstName lastName grade }
        }
      }
    }
  }
`);

export default function Families() {
  const { t, lang, number } = useI18n();
  const { me, can } = useSession();
  usePageTitle(t("families.title"));
  const { params, update, cursors, setCursors, from } = useAddressFilters();
  const search = params.get("q")?.trim() || null;
  const chapterId = params.get("chapter") || null;
  const [q, setQ] = useState(search ?? "");
  const { data, error, loading } = useQuery(FamiliesDocument, { search, chapterId, after: cursors[cursors.length - 1] });
  const families = data?.families;
  const mayFind = can("family:identity");
  // from a family page just erased: said once (the address's state is cleared, so a reload does not say it again)
  const location = useLocation();
  const navigate = useNavigate();
  const [erased] = useState((location.state as { erased?: string } | null)?.erased);
  useEffect(() => {
    if (erased) navigate(`${location.pathname}${location.search}`, { replace: true, state: null });
  }, []); // once, on arrival
  useEffect(() => setQ(search ?? ""), [search]); // back and forward: the field follows the address

  function find(e: FormEvent) {
    e.preventDefault();
    update({ q: q.trim() || null });
  }
  const chapters = me?.organizationChapters ?? [];

  return (
    <>
      <h1>{t("families.title")}</h1>
      <Notice message={erased ? t("families.erased", { name: erased }) : null} />
      <form onSubmit={find} role="search" aria-label={t("families.find")}>
        <div className="filters">
          {mayFind && (
            <Field label={t("families.search")} hint={t("families.searchHint")}>
              {(p) => <input {...p} type="search" maxLength={MAX_LENGTH.search} value={q} onChange={(e) => setQ(e.target.value)} />}
            </Field>
          )}
          {chapters.length > 1 && (
            <Field label={t("family.chapter")}>
              {(p) => (
                <select {...p} value={chapterId ?? ""} onChange={(e) => update({ chapter: e.target.value || null })}>
                  <option value="">{t("caseload.any")}</option>
                  {chapters.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </div>
        <div className="actions">
          {mayFind && <button type="submit">{t("families.find")}</button>}
          {can("case:create") && (
            <Link className="button-link" to="/intake">
              {t("families.newIntake")}
            </Link>
          )}
        </div>
      </form>
      {error && <LoadError error={error} />}
      {loading && !families && <Loading />}
      {families && (
        <>
          <p role="status" aria-live="polite" className="muted">
            {search ? t("families.matching", { search }) : t("families.newestFirst")}
            {loading && ` · ${t("common.loading")}`}
          </p>
          <div className="table-wrap">
            <table className="responsive">
              <caption className="muted" style={{ textAlign: "left" }}>
                {t("caseload.page", { page: number(cursors.length) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("family.displayName")}</th>
                  <th scope="col">{t("families.students")}</th>
                  <th scope="col">{t("family.language")}</th>
                  <th scope="col">{t("family.chapter")}</th>
                </tr>
              </thead>
              <tbody>
                {families.edges.map(({ node: f }) => (
                  <tr key={f.id}>
                    <td>
                      <Link to={`/families/${encodeURIComponent(f.id)}`} state={from}>{f.redacted ? t("case.redacted") : f.displayName}</Link>
                      {f.phone && <span className="muted"> · {f.phone}</span>}
                    </td>
                    <td data-label={t("families.students")}>
                      {f.students
                        .map((s) => [s.firstName, s.lastName].filter(Boolean).join(" ") || t("case.redacted"))
                        .join(", ")}
                    </td>
                    <td data-label={t("family.language")}>
                      {languageName(lang, f.preferredLanguage)}
                      {f.interpreterNeeded && ` · ${t("family.interpreterNeeded")}`}
                    </td>
                    <td data-label={t("family.chapter")}>{f.chapter?.name ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {families.edges.length === 0 && <p>{search ? t("families.noMatch") : t("families.none")}</p>}
          <Pager cursors={cursors} setCursors={setCursors} pageInfo={families.pageInfo} loading={loading} />
        </>
      )}
    </>
  );
}
