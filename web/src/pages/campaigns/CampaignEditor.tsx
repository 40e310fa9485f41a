// Create or edit a campaign: name, goal, target, status, leads and the criteria that pick its cases.
// Editing sends the version the form was based on; if someone else saved in between, the server answers CONFLICT:
// the form loads the latest version and keeps my edits on top of it (lib/conflict), says so, and saving again works.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { graphql } from "../../gql";
import type { CampaignEditorDataQuery, CampaignStatus, CaseCategory } from "../../gql/graphql";
import { ColleaguePicker } from "../../components/ColleaguePicker";
import { CheckGroup, Field, FormErrors, LoadError, Loading, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { useAction } from "../../lib/useAction";
import { changedFields, isConflict, keepMyEdits } from "../../lib/conflict";
import { request } from "../../lib/graphql";
import { useQuery } from "../../lib/useQuery";
import { useSession } from "../../lib/session";
import { CAMPAIGN_STATUSES } from "./CampaignList";
import { splitList } from "./evidence";
import "./campaigns.css";
import { MAX_LENGTH } from "../../lib/limits";

const EditorDataDocument = graphql(`
  query CampaignEditorData($id: ID!, $editing: Boolean!) {
    caseTaxonomy { code label }
    districts(first: 100) { edges { node { id name } } }
    schools(first: 100) { edges { node { id name district { id } } } }
    campaign(id: $id) @include(if: $editing) {
      id name goal target status version
      targetDistrict { id }
      leads { id displayName }
      criteria { categories openedFrom openedTo tags districts { id } schools { id } }
    }
  }
`);

const CreateCampaignDocument = graphql(`
  mutation CreateCampaign($input: CreateCampaignInput!) {
    createCampaign(input: $input) { campaign { id } errors { code message field } }
  }
`);

const UpdateCampaignDocument = graphql(`
  mutation UpdateCampaign($input: UpdateCampaignInput!) {
    updateCampaign(input: $input) { campaign { id version } errors { code message field } }
  }
`);

const FIELDS = [
  "name", "goal", "target", "targetDistrictId", "status", "leadIds",
  "criteria.categories", "criteria.districtIds", "criteria.schoolIds", "criteria.openedFrom", "criteria.openedTo", "criteria.tags",
];

interface Form {
  name: string;
  goal: string;
  target: string;
  targetDistrictId: string;
  status: CampaignStatus;
  leadIds: string[];
  categories: string[];
  districtIds: string[];
  schoolIds: string[];
  openedFrom: string;
  openedTo: string;
  tags: string;
}

const EMPTY: Form = {
  name: "", goal: "", target: "", targetDistrictId: "", status: "PLANNING", leadIds: [],
  categories: [], districtIds: [], schoolIds: [], openedFrom: "", openedTo: "", tags: "",
};

type Campaign = NonNullable<CampaignEditorDataQuery["campaign"]>;

/** What the form starts from: the campaign as read. */
function formOf(campaign: Campaign): Form {
  return {
    name: campaign.name,
    goal: campaign.goal,
    target: campaign.target ?? "",
    targetDistrictId: campaign.targetDistrict?.id ?? "",
    status: campaign.status,
    leadIds: campaign.leads.map((l) => l.id),
    categories: campaign.criteria.categories,
    districtIds: campaign.criteria.districts.map((d) => d.id),
    schoolIds: campaign.criteria.schools.map((s) => s.id),
    openedFrom: campaign.criteria.openedFrom ?? "",
    openedTo: campaign.criteria.openedTo ?? "",
    tags: campaign.criteria.tags.join(", "),
  };
}

// the label of each field of the form (for "changed by them: …")
const LABELS: Record<keyof Form, string> = {
  name: "campaigns.name", goal: "campaigns.goal", target: "campaigns.target", targetDistrictId: "campaigns.targetDistrict",
  status: "campaigns.statusLabel", leadIds: "campaigns.leads", categories: "campaigns.categories",
  districtIds: "campaigns.districts", schoolIds: "campaigns.schools", openedFrom: "campaigns.openedFrom",
  openedTo: "campaigns.openedTo", tags: "campaigns.tags",
};

export default function CampaignEditor() {
  const { id } = useParams();
  const editing = !!id;
  const { t, te } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  usePageTitle(t(editing ? "campaigns.editTitle" : "campaigns.newTitle"));
  const { data, error, loading, reload } = useQuery(EditorDataDocument, { id: id ?? "", editing });
  const [form, setForm] = useState<Form | null>(editing ? null : { ...EMPTY, leadIds: me ? [me.user.id] : [] });
  const { busy, errors, fail, run } = useAction(FIELDS);
  const [version, setVersion] = useState<number | null>(null);
  const [opened, setOpened] = useState<Form | null>(null); // the campaign as the form started from (or was rebased on)
  const started = useRef<string | null>(null); // the campaign the form was filled from

  const campaign = data?.campaign;
  useEffect(() => {
    // once per campaign: a reload after a CONFLICT rebases the form instead (see submit), keeping my edits
    if (!campaign || started.current === campaign.id) return;
    started.current = campaign.id;
    setVersion(campaign.version);
    setForm(formOf(campaign));
    setOpened(formOf(campaign));
  }, [campaign]);

  if (error) return <LoadError error={error} />;
  if (loading && !data) return <Loading />;
  if (editing && data && !campaign) return <h1>{t("campaigns.notFound")}</h1>;
  if (!form || !data) return <Loading />;

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm({ ...form, [key]: value });
  const districts = data.districts.edges.map((e) => e.node);
  const schools = data.schools.edges
    .map((e) => e.node)
    .filter((s) => form.districtIds.length === 0 || form.districtIds.includes(s.district?.id ?? "") || form.schoolIds.includes(s.id));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    const fields: Record<string, string> = {};
    if (!form.name.trim()) fields.name = t("campaigns.nameRequired");
    if (form.openedFrom && form.openedTo && form.openedFrom > form.openedTo) fields["criteria.openedTo"] = t("campaigns.rangeBackwards");
    if (Object.keys(fields).length) return fail(fields);
    const criteria = {
      categories: form.categories as CaseCategory[],
      districtIds: form.districtIds,
      schoolIds: form.schoolIds,
      openedFrom: form.openedFrom || null,
      openedTo: form.openedTo || null,
      tags: splitList(form.tags),
    };
    const common = {
      name: form.name.trim(),
      goal: form.goal.trim(),
      target: form.target.trim() || null,
      targetDistrictId: form.targetDistrictId || null,
      status: form.status,
      leadIds: form.leadIds,
      criteria,
    };
    let newId: string | null | undefined;
    const ok = await run(
      async () => {
        if (editing) {
          const r = await request(UpdateCampaignDocument, { input: { id: id!, version: version ?? 0, ...common } });
          newId = r.updateCampaign.campaign?.id;
          return r.updateCampaign.errors;
        }
        const r = await request(CreateCampaignDocument, { input: common });
        newId = r.createCampaign.campaign?.id;
        return r.createCampaign.errors;
      },
      {
        // saved by someone else meanwhile: the form takes their latest version and keeps what I changed, to save again
        onErrors: async (errs, mapped) => {
          if (!editing || !isConflict(errs)) return mapped;
          const latest = (await reload())?.campaign;
          if (!latest || !opened) return { fields: {}, general: [t("campaigns.conflictNotLoaded")] };
          const theirs = formOf(latest);
          const byThem = changedFields(opened, theirs).map((k) => t(LABELS[k]));
          setForm((mine) => (mine ? keepMyEdits(mine, opened, theirs) : theirs));
          setOpened(theirs);
          setVersion(latest.version);
          return {
            fields: {},
            general: [t("campaigns.conflict"), ...(byThem.length ? [t("campaigns.conflictChanged", { fields: byThem.join(", ") })] : [])],
          };
        },
      },
    );
    if (ok) navigate(`/campaigns/${encodeURIComponent(newId!)}?saved=1`);
  }

  return (
    <>
      <p>
        <Link to={editing ? `/campaigns/${encodeURIComponent(id!)}` : "/campaigns"}>← {t(editing ? "campaigns.backToCampaign" : "campaigns.backToList")}</Link>
      </p>
      <h1>{t(editing ? "campaigns.editTitle" : "campaigns.newTitle")}</h1>
      <form onSubmit={submit} noValidate>
        <FormErrors messages={errors.general} />
        <Field label={t("campaigns.name")} error={errors.fields.name} required>
          {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={form.name} onChange={(e) => set("name", e.target.value)} />}
        </Field>
        <Field label={t("campaigns.goal")} hint={t("campaigns.goalHint")} error={errors.fields.goal}>
          {(p) => <textarea {...p} maxLength={MAX_LENGTH.note} value={form.goal} onChange={(e) => set("goal", e.target.value)} />}
        </Field>
        <div className="grid2">
          <Field label={t("campaigns.target")} hint={t("campaigns.targetHint")} error={errors.fields.target}>
            {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={form.target} onChange={(e) => set("target", e.target.value)} />}
          </Field>
          <Field label={t("campaigns.targetDistrict")} error={errors.fields.targetDistrictId}>
            {(p) => (
              <select {...p} value={form.targetDistrictId} onChange={(e) => set("targetDistrictId", e.target.value)}>
                <option value="">{t("common.notSet")}</option>
                {districts.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("campaigns.statusLabel")} error={errors.fields.status} required>
            {(p) => (
              <select {...p} value={form.status} onChange={(e) => set("status", e.target.value as CampaignStatus)}>
                {CAMPAIGN_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`campaigns.status.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <ColleaguePicker
          legend={t("campaigns.leads")}
          can="campaign:read"
          value={form.leadIds}
          onChange={(v) => set("leadIds", v)}
          known={campaign?.leads ?? []}
          error={errors.fields.leadIds}
        />
        <h2>{t("campaigns.criteria")}</h2>
        <p className="muted">{t("campaigns.criteriaHint")}</p>
        <CheckGroup
          legend={t("campaigns.categories")}
          options={data.caseTaxonomy.map((c) => ({ value: c.code, label: te("CaseCategory", c.code, c.label) }))}
          value={form.categories}
          onChange={(v) => set("categories", v)}
          error={errors.fields["criteria.categories"]}
        />
        <CheckGroup
          legend={t("campaigns.districts")}
          options={districts.map((d) => ({ value: d.id, label: d.name }))}
          value={form.districtIds}
          onChange={(v) => set("districtIds", v)}
          error={errors.fields["criteria.districtIds"]}
        />
        <CheckGroup
          legend={t("campaigns.schools")}
          hint={form.districtIds.length ? t("campaigns.schoolsHint") : undefined}
          options={schools.map((s) => ({ value: s.id, label: s.name }))}
          value={form.schoolIds}
          onChange={(v) => set("schoolIds", v)}
          error={errors.fields["criteria.schoolIds"]}
        />
        <div className="grid2">
          <Field label={t("campaigns.openedFrom")} error={errors.fields["criteria.openedFrom"]}>
            {(p) => <input {...p} type="date" value={form.openedFrom} onChange={(e) => set("openedFrom", e.target.value)} />}
          </Field>
          <Field label={t("campaigns.openedTo")} error={errors.fields["criteria.openedTo"]}>
            {(p) => <input {...p} type="date" value={form.openedTo} onChange={(e) => set("openedTo", e.target.value)} />}
          </Field>
        </div>
        <Field label={t("campaigns.tags")} hint={t("campaigns.tagsHint")} error={errors.fields["criteria.tags"]}>
          {(p) => <input {...p} value={form.tags} onChange={(e) => set("tags", e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? t("campaigns.saving") : t(editing ? "common.save" : "campaigns.create")}
          </button>
        </div>
      </form>
    </>
  );
}
