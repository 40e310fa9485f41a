// The escalation letter as the contact will read it (English, like domain/templates/mail/escalation_letter.en.txt.j2),
// shown before sending. The server renders the real one; this preview leaves out what only it knows
// (the response due date on the district's school calendar, the case reference).

export interface LetterInput {
  organizationName: string;
  contactName: string;
  contactTitle?: string | null;
  contactOffice?: string | null;
  districtName?: string | null;
  levelName: string;
  category: string;
  subcategory?: string | null;
  studentFirstName?: string | null;
  studentLastName?: string | null;
  studentGrade?: string | null;
  schoolName?: string | null;
  consentSignedOn?: string | null;
  summary: string;
  remedyRequested: string;
  responseWindowSchoolDays: number;
  advocateName: string;
  advocateEmail: string;
  sentOn: string;
}

function longDate(day: string): string {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

export function composeLetter(x: LetterInput): string {
  const lines: string[] = [x.organizationName, longDate(x.sentOn), "", x.contactName];
  for (const l of [x.contactTitle, x.contactOffice, x.districtName]) if (l) lines.push(l);
  const student = x.studentFirstName
    ? `${x.studentFirstName}${x.studentLastName ? ` ${x.studentLastName}` : ""}, a student`
    : "a student";
  const days = x.responseWindowSchoolDays;
  lines.push(
    "",
    `Re: ${x.category}${x.subcategory ? ` (${x.subcategory})` : ""}`,
    "",
    `Dear ${x.contactName},`,
    "",
    `I am writing on behalf of ${x.organizationName} to bring a concern to your attention at the ${x.levelName} level. ` +
      `It concerns ${student}${x.studentGrade ? ` in grade ${x.studentGrade}` : ""}${x.schoolName ? ` at ${x.schoolName}` : ""}.`,
  );
  if (x.consentSignedOn) {
    lines.push("", `The family has authorized us to share this information with you (release signed ${longDate(x.consentSignedOn)}).`);
  }
  lines.push(
    "", "WHAT HAPPENED", "", x.summary.trim() || "…",
    "", "WHAT WE ARE ASKING FOR", "", x.remedyRequested.trim() || "…",
    "", "RESPONSE REQUESTED", "",
    `Please respond in writing within ${days} school day${days === 1 ? "" : "s"} from the date of this letter.`,
    "", "HOW TO REPLY", "",
    `Reply to this email: your answer comes to me, ${x.advocateName}, at ${x.advocateEmail}.`,
    "", "Sincerely,", "", x.advocateName, `Family advocate, ${x.organizationName}`, x.advocateEmail,
  );
  return lines.join("\n");
}
