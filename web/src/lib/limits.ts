// The most characters the API takes in a free-text field (domain/validate.py's text(max_len=…); 200 where a
// service names none). The inputs carry them as maxLength, so a box cannot hold what the server would refuse.
export const MAX_LENGTH = {
  /** caseload, families and directory searches */
  search: 200,
  /** case and campaign titles and names, family and guardian names, people's names, consent recipients */
  name: 200,
  studentName: 100,
  relationship: 60,
  addressArea: 120,
  /** case narratives and timeline notes */
  narrative: 20000,
  /** a status change's note, a campaign's goal */
  note: 5000,
  /** contact notes, consent purpose and records, a reviewer's note, a network's description */
  shortNote: 2000,
  roleDescription: 300,
} as const;
