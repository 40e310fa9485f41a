// Previous / next through a keyset-paged list whose walked cursors the page keeps (lib/useAddressFilters).
import { useI18n } from "../i18n/I18n";

export function Pager({ cursors, setCursors, pageInfo, loading }: {
  cursors: (string | null)[];
  setCursors(cursors: (string | null)[]): void;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  loading: boolean;
}) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label={t("common.paging")}>
      <button type="button" className="secondary" disabled={cursors.length <= 1 || loading} onClick={() => setCursors(cursors.slice(0, -1))}>
        {t("common.previous")}
      </button>
      <button
        type="button"
        className="secondary"
        disabled={!pageInfo.hasNextPage || loading}
        onClick={() => setCursors([...cursors, pageInfo.endCursor ?? null])}
      >
        {t("common.next")}
      </button>
    </nav>
  );
}
