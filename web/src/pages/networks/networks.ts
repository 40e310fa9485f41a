// Pure helpers of the network pages: the side-by-side table of networkStats.
import type { Suppressible } from "../campaigns/evidence";
import type { StatsDimension } from "../../gql/graphql";

/** Dimensions networkStats accepts: the same meaning in every organization (not school, district or chapter). */
export const NETWORK_DIMENSIONS: StatsDimension[] = [
  "CATEGORY", "SUBCATEGORY", "MONTH", "SCHOOL_YEAR", "STATUS", "OUTCOME",
  "RACE_ETHNICITY", "SPECIAL_EDUCATION", "ENGLISH_LEARNER", "LANGUAGE", "GRADE_BAND",
];

export const MEASURES = ["cases", "escalationsSent", "answeredWithinWindow", "shareAnsweredWithinWindow"] as const;
export type Measure = (typeof MEASURES)[number];

type Measures = Record<Measure, Suppressible>;

export interface StatsRowLike {
  key?: { value?: string | null; label: string } | null;
  byOrganization: readonly Measures[];
  combined: Measures;
}

export interface SideBySide {
  /** One column per member organization, then the combined column. */
  columns: string[];
  rows: { label: string; cells: Suppressible[] }[];
  total: Suppressible[];
}

/** networkStats as a table of one measure: a row per group, a column per member organization, then combined. */
export function sideBySide(
  stats: { organizations: readonly { name: string }[]; rows: readonly StatsRowLike[]; total: StatsRowLike },
  measure: Measure,
  combinedLabel: string,
): SideBySide {
  const line = (r: StatsRowLike) => [...r.byOrganization.map((m) => m[measure]), r.combined[measure]];
  return {
    columns: [...stats.organizations.map((o) => o.name), combinedLabel],
    rows: stats.rows.map((r) => ({ label: r.key?.label ?? "", cells: line(r) })),
    total: line(stats.total),
  };
}
