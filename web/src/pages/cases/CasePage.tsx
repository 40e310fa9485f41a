import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { graphql } from "../../gql";
import type { CasePageQuery } from "../../gql/graphql";
import { LoadError, Loading, StatusBadge, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { useQuery } from "../../lib/useQuery";
import { useSession } from "../../lib/session";
import { useListReturn } from "../../lib/useAddressFilters";
import { CaseDetails } from "./case/CaseDetails";
import { StatusChange } from "./case/StatusChange";
import { Assignees } from "./case/Assignees";
import { Timeline } from "./case/Timeline";
import { Consents } from "./case/Consents";
import { Deadlines } from "./case/Deadlines";
import { Escalations } from "./case/Escalations";
import { CaseCampaigns } from "./case/CaseCampaigns";
import { CaseStories } from "./case/CaseStories";

const CasePageDocument = graphql(`
  query CasePage($id: ID!, $timeline: Int) {
    case(id: $id) {
      id title narrative category subcategory categoryLabel subcategoryLabel priority status allowedTransitions
      openedOn incidentOn nextActionDueOn resolvedOn closedOn overdue outcome outcomeNotes tags version updatedAt
      family {
        id displayName preferredLanguage interpreterNeeded redacted
        students { id firstName lastName }
        consents { id kind status method signedOn expiresOn recipient purpose records revokedAt revocationReason recordedBy { displayName } }
      }
      student { id firstName lastName grade }
      school { id name }
      district { id name }
      chapter { name }
      assignees { id displayName }
      timeline(first: $timeline) {
        pageInfo { hasNextPage }
        edges { node { id kind body occurredAt statusFrom statusTo author { displayName } } }
      }
      escalations {
        id level levelName office channel summary remedyRequested status sentOn responseDueOn overdue
        respondedOn responseNotes responseSchoolDays answeredWithinWindow closedAt version
        contact { id name title office email }
        sentBy { displayName }
        mail { kind to cc subject language status sentAt }
      }
      deadlines { id label citation milestone triggerOn dueOn metOn status }
    }
    escalationLadder { level name responseWindowSchoolDays }
  }
`);

export type CaseData = NonNullable<CasePageQuery["case"]>;
export type Ladder = CasePageQuery["escalationLadder"];

export default function CasePage() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  const { t, te, date } = useI18n();
  const { can } = useSession();
  const [timelineSize, setTimelineSize] = useState(30);
  const { data, error, loading, reload } = useQuery(CasePageDocument, { id, timeline: timelineSize });
  const back = useListReturn("/cases"); // the caseload as I left it (filters, page) when I came from it
  const c = data?.case;
  usePageTitle(c ? c.title : t("case.pageTitle"));

  if (error) return <LoadError error={error} />;
  if (loading && !data) return <Loading />;
  if (!c) {
    return (
      <>
        <h1>{t("case.notFound")}</h1>
        <p>
          <Link to="/cases">{t("nav.cases")}</Link>
        </p>
      </>
    );
  }
  const reloadCase = async () => (await reload())?.case ?? null;

  return (
    <>
      <p>
        <Link to={back.to} state={back.state}>← {t("case.backToCases")}</Link>
      </p>
      {params.get("created") === "1" && (
        <p className="notice" role="status">
          {t("intake.created")}
        </p>
      )}
      <h1>
        {c.title} <StatusBadge status={c.status} />
        {c.overdue && <span className="badge overdue"> {t("case.overdue")}</span>}
      </h1>
      <section className="panel" aria-labelledby="case-facts">
        <h2 id="case-facts">{t("case.facts")}</h2>
        <dl className="facts">
          <dt>{t("case.category")}</dt>
          <dd>
            {te("CaseCategory", c.category, c.categoryLabel)} · {te("CaseSubcategory", c.subcategory, c.subcategoryLabel)}
          </dd>
          <dt>{t("case.priority")}</dt>
          <dd>{te("CasePriority", c.priority)}</dd>
          <dt>{t("case.family")}</dt>
          <dd>
            <Link to={`/families/${encodeURIComponent(c.family.id)}`}>
              {c.family.redacted ? t("case.redacted") : c.family.displayName}
            </Link>
            {c.family.interpreterNeeded && ` · ${t("family.interpreterNeeded")}`}
          </dd>
          {c.student && (
            <>
              <dt>{t("case.student")}</dt>
              <dd>
                {[c.student.firstName, c.student.lastName].filter(Boolean).join(" ") || t("case.redacted")}
                {c.student.grade && ` · ${t("student.gradeN", { grade: c.student.grade })}`}
              </dd>
            </>
          )}
          <dt>{t("case.school")}</dt>
          <dd>{[c.school?.name, c.district?.name].filter(Boolean).join(" · ") || t("common.notSet")}</dd>
          <dt>{t("case.incidentOn")}</dt>
          <dd>{c.incidentOn ? date(c.incidentOn) : t("common.notSet")}</dd>
          <dt>{t("case.openedOn")}</dt>
          <dd>{date(c.openedOn)}</dd>
          <dt>{t("case.nextActionDueOn")}</dt>
          <dd>{c.nextActionDueOn ? date(c.nextActionDueOn) : t("common.notSet")}</dd>
          <dt>{t("case.assignees")}</dt>
          <dd>{c.assignees.map((a) => a.displayName).join(", ") || t("common.notSet")}</dd>
          {c.outcome && (
            <>
              <dt>{t("case.outcome")}</dt>
              <dd>{te("CaseOutcome", c.outcome)}</dd>
            </>
          )}
          {c.narrative && (
            <>
              <dt>{t("case.narrative")}</dt>
              <dd style={{ whiteSpace: "pre-wrap" }}>{c.narrative}</dd>
            </>
          )}
        </dl>
      </section>
      {can("case:update") && <CaseDetails data={c} reload={reloadCase} />}
      {can("case:transition") && c.allowedTransitions.length > 0 && <StatusChange data={c} reload={reloadCase} />}
      {can("case:assign") && <Assignees data={c} reload={reloadCase} />}
      <Escalations data={c} ladder={data!.escalationLadder} reload={reloadCase} />
      <Consents data={c} reload={reloadCase} />
      <Deadlines data={c} reload={reloadCase} />
      {can("case:read") && can("campaign:read") && <CaseCampaigns caseId={c.id} />}
      {can("story:read") && <CaseStories caseId={c.id} />}
      <Timeline
        data={c}
        reload={reloadCase}
        more={c.timeline.pageInfo.hasNextPage ? () => setTimelineSize(timelineSize + 30) : undefined}
      />
    </>
  );
}
