import { Link } from "react-router-dom";
import { useI18n } from "../i18n/I18n";
import { usePageTitle } from "../components/forms";

export default function NotFound() {
  const { t } = useI18n();
  usePageTitle(t("notFound.title"));
  return (
    <>
      <h1>{t("notFound.title")}</h1>
      <p>{t("notFound.body")}</p>
      <p>
        <Link to="/">{t("notFound.home")}</Link>
      </p>
    </>
  );
}
