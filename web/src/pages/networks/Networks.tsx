// The networks my organization convened or joined. Admins with network:manage convene one, hand its join code to
// the organizations they invite and name its leads; with network:join they opt in with a code, or out again.
// A lead opens the network's statistics from here.
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { graphql } from "../../gql";
import type { NetworkKind, NetworksQuery } from "../../gql/graphql";
import { ColleaguePicker } from "../../components/ColleaguePicker";
import { Field, FormErrors, LoadError, Loading, usePageTitle, Notice } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { useQuery } from "../../lib/useQuery";
import { useSession } from "../../lib/session";
import { ADMIN_WORDING } from "../admin/errors";
import { useAction } from "../../lib/useAction";
import "./networks.css";
import { MAX_LENGTH } from "../../lib/limits";

const NetworksDocument = graphql(`
  query Networks {
    networks {
      id name kind description joined convenedByMyOrganization iLead joinCode
      leads { id displayName email }
    }
  }
`);

const CreateNetworkDocument = graphql(`
  mutation CreateNetwork($input: CreateNetworkInput!) {
    createNetwork(input: $input) { network { id name joinCode } errors { code message field } }
  }
`);
const JoinNetworkDocument = graphql(`
  mutation JoinNetwork($input: JoinNetworkInput!) {
    joinNetwork(input: $input) { network { id name } errors { code message field } }
  }
`);
const LeaveNetworkDocument = graphql(`
  mutation LeaveNetwork($input: LeaveNetworkInput!) {
    leaveNetwork(input: $input) { network { id name } errors { code message field } }
  }
`);
const SetNetworkLeadsDocument = graphql(`
  mutation SetNetworkLeads($input: SetNetworkLeadsInput!) {
    setNetworkLeads(input: $input) { network { id leads { id } } errors { code message field } }
  }
`);

type Network = NetworksQuery["networks"][number];
const KINDS: NetworkKind[] = ["COALITION", "NATIONAL_NETWORK"];

export default function Networks() {
  const { t } = useI18n();
  const { can } = useSession();
  usePageTitle(t("networks.title"));
  const list = useQuery(NetworksDocument);
  const networks = list.data?.networks ?? [];
  // said at page level: after leaving, the network's card (and its own status line) is gone
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <>
      <h1>{t("networks.title")}</h1>
      <p className="muted">{t("networks.intro")}</p>
      <section aria-labelledby="networks-mine">
        <h2 id="networks-mine">{t("networks.mine")}</h2>
        <div role="status" aria-live="polite">{list.loading && !list.data && <Loading />}</div>
        <Notice message={notice} />
        {list.error && <LoadError error={list.error} />}
        {list.data && networks.length === 0 && <p>{t("networks.none")}</p>}
        {networks.map((n) => (
          <NetworkCard
            key={n.id}
            network={n}
            changed={list.reload}
            announce={setNotice}
          />
        ))}
      </section>
      {can("network:manage") && <ConveneForm done={list.reload} />}
      {can("network:join") && <JoinForm done={list.reload} />}
    </>
  );
}

function NetworkCard({ network: n, changed, announce }: {
  network: Network;
  changed(): Promise<unknown>;
  announce(message: string): void;
}) {
  const { t } = useI18n();
  const { can } = useSession();
  const action = useAction(["userIds", "joinCode", "networkId"], ADMIN_WORDING);
  const [leads, setLeads] = useState<string[]>(n.leads.map((l) => l.id));
  const headingId = `network-${n.id}`;

  async function joinOwn() {
    if (!n.joinCode) return;
    const ok = await action.run(
      async () => (await request(JoinNetworkDocument, { input: { joinCode: n.joinCode! } })).joinNetwork.errors,
      t("networks.joined", { name: n.name }),
    );
    if (ok) await changed();
  }

  async function leave() {
    if (!window.confirm(t("networks.confirmLeave", { name: n.name }))) return;
    const ok = await action.run(
      async () => (await request(LeaveNetworkDocument, { input: { networkId: n.id } })).leaveNetwork.errors,
    );
    if (ok) {
      announce(t("networks.left", { name: n.name }));
      await changed();
    }
  }

  async function saveLeads(e: FormEvent) {
    e.preventDefault();
    const ok = await action.run(
      async () => (await request(SetNetworkLeadsDocument, { input: { networkId: n.id, userIds: leads } })).setNetworkLeads.errors,
      t("networks.leadsSaved", { name: n.name }),
    );
    if (ok) await changed();
  }

  const relation = [
    n.convenedByMyOrganization && t("networks.convenedByUs"),
    n.joined ? t("networks.member") : t("networks.notMember"),
    n.iLead && t("networks.youLead"),
  ].filter(Boolean);

  return (
    <article className="panel network" aria-labelledby={headingId}>
      <h3 id={headingId}>{n.name}</h3>
      <p>
        <span className="badge">{t(`networks.kind.${n.kind}`)}</span> {relation.join(" · ")}
      </p>
      {n.description && <p>{n.description}</p>}
      <Notice message={action.message} />
      <FormErrors messages={[...action.errors.general, ...Object.values(action.errors.fields)]} />
      {n.iLead && (
        <p>
          <Link to={`/networks/${encodeURIComponent(n.id)}`}>{t("networks.openStats", { name: n.name })}</Link>
        </p>
      )}
      {n.joinCode && (
        <dl className="join-code">
          <dt>{t("networks.joinCode")}</dt>
          <dd>
            <code>{n.joinCode}</code>
            <p className="hint muted">{t("networks.joinCodeHint")}</p>
          </dd>
        </dl>
      )}
      <div className="actions">
        {n.convenedByMyOrganization && !n.joined && n.joinCode && can("network:join") && (
          <>
            <p className="hint muted">{t("networks.notCountedYet")}</p>
            <button type="button" disabled={action.busy} onClick={joinOwn}>
              {t("networks.joinOwn")}
            </button>
          </>
        )}
        {n.joined && can("network:join") && (
          <button type="button" className="secondary" disabled={action.busy} onClick={leave}>
            {t("networks.leave")}
          </button>
        )}
      </div>
      {n.convenedByMyOrganization && can("network:manage") && (
        <form onSubmit={saveLeads} noValidate>
          <ColleaguePicker
            legend={t("networks.leadsOf", { name: n.name })}
            hint={t("networks.leadsHint")}
            can="network:lead"
            value={leads}
            onChange={setLeads}
            known={n.leads.map((l) => ({ id: l.id, displayName: l.displayName || l.email }))}
            error={action.errors.fields.userIds}
          />
          <button type="submit" disabled={action.busy}>
            {t("networks.saveLeads")}
          </button>
        </form>
      )}
    </article>
  );
}

function ConveneForm({ done }: { done(): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(["name", "kind", "description"], ADMIN_WORDING);
  const [name, setName] = useState("");
  const [kind, setKind] = useState<NetworkKind>("COALITION");
  const [description, setDescription] = useState("");

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return action.fail({ name: t("networks.nameRequired") });
    const ok = await action.run(
      async () =>
        (await request(CreateNetworkDocument, { input: { name: name.trim(), kind, description: description.trim() || null } }))
          .createNetwork.errors,
      t("networks.created", { name: name.trim() }),
    );
    if (ok) {
      setName("");
      setDescription("");
      await done();
    }
  }

  return (
    <section className="panel" aria-labelledby="networks-convene">
      <h2 id="networks-convene">{t("networks.convene")}</h2>
      <p className="hint muted">{t("networks.conveneHint")}</p>
      <Notice message={action.message} />
      <form onSubmit={submit} noValidate>
        <FormErrors messages={action.errors.general} />
        <div className="grid2">
          <Field label={t("networks.name")} error={action.errors.fields.name} required>
            {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label={t("networks.kindLabel")} error={action.errors.fields.kind}>
            {(p) => (
              <select {...p} value={kind} onChange={(e) => setKind(e.target.value as NetworkKind)}>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`networks.kind.${k}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label={t("networks.description")} error={action.errors.fields.description}>
          {(p) => <textarea {...p} rows={2} maxLength={MAX_LENGTH.shortNote} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <button type="submit" disabled={action.busy}>
          {t("networks.conveneButton")}
        </button>
      </form>
    </section>
  );
}

function JoinForm({ done }: { done(): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(["joinCode"], ADMIN_WORDING);
  const [code, setCode] = useState("");

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!code.trim()) return action.fail({ joinCode: t("networks.codeRequired") });
    let joined = "";
    const ok = await action.run(async () => {
      const out = (await request(JoinNetworkDocument, { input: { joinCode: code.trim() } })).joinNetwork;
      joined = out.network?.name ?? "";
      return out.errors;
    });
    if (ok) {
      action.setMessage(t("networks.joined", { name: joined }));
      setCode("");
      await done();
    }
  }

  return (
    <section className="panel" aria-labelledby="networks-join">
      <h2 id="networks-join">{t("networks.join")}</h2>
      <p className="hint muted">{t("networks.joinHint")}</p>
      <Notice message={action.message} />
      <form onSubmit={submit} noValidate>
        <FormErrors messages={action.errors.general} />
        <Field label={t("networks.joinCode")} error={action.errors.fields.joinCode} required>
          {(p) => <input {...p} autoComplete="off" spellCheck={false} value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
        <button type="submit" disabled={action.busy}>
          {t("networks.joinButton")}
        </button>
      </form>
    </section>
  );
}
