"""The K-12 issue taxonomy: categories and their subcategories (stable codes, English labels)."""

from __future__ import annotations

TAXONOMY: dict[str, tuple[str, dict[str, str]]] = {
    "DISCIPLINE": ("Discipline", {
        "IN_SCHOOL_SUSPENSION": "In-school suspension",
        "OUT_OF_SCHOOL_SUSPENSION": "Out-of-school suspension",
        "EXPULSION": "Expulsion",
        "EMERGENCY_REMOVAL": "Emergency removal",
        "RESTRAINT_SECLUSION": "Restraint or seclusion",
        "POLICE_REFERRAL_ARREST": "Police referral or arrest",
        "DISCIPLINE_OTHER": "Other discipline issue",
    }),
    "SPECIAL_EDUCATION": ("Special education", {
        "EVALUATION_REQUEST_DELAY": "Evaluation request or delay",
        "ELIGIBILITY": "Eligibility",
        "IEP_DEVELOPMENT": "IEP development",
        "IEP_SERVICES_NOT_DELIVERED": "IEP services not delivered",
        "PLACEMENT": "Placement",
        "PLAN_504": "504 plan",
        "SPECIAL_EDUCATION_OTHER": "Other special education issue",
    }),
    "LANGUAGE_ACCESS": ("Language access", {
        "NO_INTERPRETER": "No interpreter",
        "DOCUMENTS_NOT_TRANSLATED": "Documents not translated",
        "ENGLISH_LEARNER_SERVICES": "English-learner services",
        "LANGUAGE_ACCESS_OTHER": "Other language access issue",
    }),
    "BULLYING_HARASSMENT": ("Bullying and harassment", {
        "BULLYING": "Bullying",
        "HARASSMENT_DISCRIMINATION": "Harassment or discrimination",
        "CYBERBULLYING": "Cyberbullying",
    }),
    "ENROLLMENT": ("Enrollment", {
        "ENROLLMENT_DENIED_DELAYED": "Enrollment denied or delayed",
        "SCHOOL_ASSIGNMENT_TRANSFER": "School assignment or transfer",
        "RECORDS_REQUEST": "Student records request",
    }),
    "TRANSPORTATION": ("Transportation", {
        "NO_BUS_SERVICE": "No bus service",
        "SPECIALIZED_TRANSPORTATION": "Specialized transportation",
        "UNSAFE_LATE_BUS": "Unsafe or late bus",
    }),
    "SAFETY": ("Safety", {
        "UNSAFE_FACILITIES": "Unsafe facilities",
        "THREATS_VIOLENCE": "Threats or violence",
        "HEALTH_MEDICAL": "Health or medical needs",
    }),
    "ATTENDANCE": ("Attendance", {
        "CHRONIC_ABSENCE": "Chronic absence",
        "TRUANCY_COURT_REFERRAL": "Truancy or court referral",
        "SHORTENED_SCHOOL_DAY": "Shortened school day",
    }),
    "OTHER": ("Other", {
        "OTHER": "Other",
    }),
}

CATEGORIES = tuple(TAXONOMY)
SUBCATEGORIES = tuple(code for _, subs in TAXONOMY.values() for code in subs)
CATEGORY_OF = {sub: cat for cat, (_, subs) in TAXONOMY.items() for sub in subs}


def category_label(category: str) -> str:
    return TAXONOMY[category][0]


def subcategory_label(subcategory: str) -> str:
    return TAXONOMY[CATEGORY_OF[subcategory]][1][subcategory]


def belongs(category: str, subcategory: str) -> bool:
    return CATEGORY_OF.get(subcategory) == category
