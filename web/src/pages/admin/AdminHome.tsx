import { Navigate } from "react-router-dom";
import { useSession } from "../../lib/session";
import { ADMIN_SECTIONS } from "./shared";

/** "/admin": the first admin section I may open. */
export default function AdminHome() {
  const { me } = useSession();
  const first = ADMIN_SECTIONS.find((s) => s.permission.some((p) => me?.permissions.includes(p)));
  return <Navigate to={first?.path ?? "/"} replace />;
}
