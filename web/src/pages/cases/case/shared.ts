// (the case page's sections and the family pages import it from here; it lives in lib/conflict with the rebase)
export { isConflict } from "../../../lib/conflict";
