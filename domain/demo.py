"""Demo data: two parent organizations with staff, a directory and two school years of cases.

Cases that were escalated carry their escalations up the ladder (schools, district offices, state and federal
agencies, each district answering in its own way), and special education and discipline cases the statutory
deadlines their milestones started. No mail is queued: the demo is history.

`advocase demo` loads it, and so does the first start of `advocase serve` on an empty database.
Everything comes from one seeded `random.Random`, dated relative to today (the current and the
previous school year; a school year starts on September 1), and is written in one unit of work:
all of it or nothing.

Districts and schools carry real-world names so that the data reads true. Every person, family,
student, phone number and email address is made up: phones are 555-01xx numbers and emails live on
`*.example.*` domains (staff sign in on `*.demo.advocase.org`).
"""

from __future__ import annotations

import random
import time as clock
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.cases.models import PRIORITY_RANK, Case, CaseAssignee, CaseEvent, CaseEventKind, CasePriority
from domain.cases.taxonomy import TAXONOMY
from domain.cases.workflow import ACTIVE, CaseOutcome, CaseStatus, check_transition, is_reopen
from domain.db import Database, utcnow
from domain.directory.models import District, DistrictContact, School
from domain.errors import DomainError, ErrorCode
from domain.escalations.calendar import Closure, SchoolCalendar
from domain.escalations.deadlines import MILESTONE_LABELS, DeadlineStatus, Milestone, deadlines_started
from domain.escalations.deadlines import status as deadline_status
from domain.escalations.models import (
    CaseDeadline, DistrictClosure, Escalation, EscalationChannel, EscalationLevel, EscalationStatus,
)
from domain.identity.models import Chapter, Membership, User
from domain.identity.service import create_organization, create_user
from domain.people.models import (
    Consent, ConsentKind, ConsentMethod, EnglishLearnerStatus, Family, SpecialEducationStatus, Student,
)
from domain.people.rules import GRADES, LANGUAGES

DEMO_PASSWORD = "advocase-demo-2026"
SEED = 2026

MPU = "Massachusetts Parents United"
PPU = "Portland Parent Union"


# ================================================================ staff


@dataclass(frozen=True)
class DemoUser:
    org: str
    email: str
    name: str
    role: str
    chapters: tuple[str, ...] = ()


# The first admin of each organization is its founding admin (created with the organization).
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(MPU, "admin@mpu.demo.advocase.org", "Marisol Vega", "admin"),
    DemoUser(MPU, "lead@mpu.demo.advocase.org", "Darnell Brooks", "campaign_lead"),
    DemoUser(MPU, "viewer@mpu.demo.advocase.org", "Helen O'Connor", "viewer", ("East Boston", "Dorchester")),
    DemoUser(MPU, "advocate.eastboston@mpu.demo.advocase.org", "Rosa Mejía", "advocate", ("East Boston",)),
    DemoUser(MPU, "advocate.dorchester@mpu.demo.advocase.org", "Nadège Pierre-Louis", "advocate", ("Dorchester",)),
    DemoUser(MPU, "advocate.lawrence@mpu.demo.advocase.org", "Yesenia Cruz", "advocate", ("Lawrence",)),
    DemoUser(MPU, "advocate.lowell@mpu.demo.advocase.org", "Sophal Chea", "advocate", ("Lowell",)),
    DemoUser(MPU, "advocate.springfield@mpu.demo.advocase.org", "Keisha Howard", "advocate", ("Springfield",)),
    DemoUser(PPU, "admin@ppu.demo.advocase.org", "Grace Nguyen", "admin"),
    DemoUser(PPU, "lead@ppu.demo.advocase.org", "Marcus Bell", "campaign_lead"),
    DemoUser(PPU, "viewer@ppu.demo.advocase.org", "Tom Lindqvist", "viewer", ("North Portland",)),
    DemoUser(PPU, "advocate.northportland@ppu.demo.advocase.org", "Lupe Hernández", "advocate",
             ("North Portland",)),
    DemoUser(PPU, "advocate.eastportland@ppu.demo.advocase.org", "Hodan Warsame", "advocate", ("East Portland",)),
)


# ================================================================ organizations, chapters, directory


@dataclass(frozen=True)
class ChapterSpec:
    name: str
    families: int
    languages: dict[str, int]          # preferred language -> weight
    areas: tuple[str, ...]             # neighborhoods (Family.address_area)


@dataclass(frozen=True)
class DistrictSpec:
    name: str
    key: str                           # email subdomain of its (made-up) staff
    area_code: str
    schools: tuple[tuple[str, str, str], ...]   # (name, grade span, chapter)
    answers: tuple[int, int, int] = (50, 30, 20)  # how its schools and offices answer escalations (weights):
                                                  # within the response window, late, never


@dataclass(frozen=True)
class AgencySpec:
    level: int
    name: str
    title: str
    office: str
    email: str
    phone: str


@dataclass(frozen=True)
class OrgSpec:
    name: str
    state: str
    deadline_profile: str              # statutory timelines (domain/escalations/deadlines.py PROFILES)
    utc_offset: int                    # standard time; timeline entries fall in local business hours
    cases: int
    chapters: tuple[ChapterSpec, ...]
    districts: tuple[DistrictSpec, ...]
    agencies: tuple[AgencySpec, ...]   # state (level 3) and federal (level 4), listed for every district


ORGS: tuple[OrgSpec, ...] = (
    OrgSpec(
        name=MPU, state="MA", deadline_profile="MASSACHUSETTS", utc_offset=-5, cases=480,
        chapters=(
            ChapterSpec("East Boston", 55, {"es": 55, "pt": 14, "en": 14, "ar": 10, "ht": 7},
                        ("Eagle Hill", "Maverick Square", "Orient Heights", "Jeffries Point", "Day Square")),
            ChapterSpec("Dorchester", 60, {"en": 32, "ht": 20, "vi": 18, "es": 16, "kea": 14},
                        ("Fields Corner", "Codman Square", "Bowdoin-Geneva", "Savin Hill", "Four Corners")),
            ChapterSpec("Lawrence", 45, {"es": 78, "en": 14, "ar": 4, "vi": 4},
                        ("North Common", "Tower Hill", "South Lawrence", "Arlington", "Prospect Hill")),
            ChapterSpec("Lowell", 40, {"km": 34, "en": 22, "pt": 16, "es": 16, "so": 6, "ar": 6},
                        ("The Acre", "Centralville", "Lower Highlands", "Back Central", "Pawtucketville")),
            ChapterSpec("Springfield", 40, {"es": 50, "en": 32, "ru": 10, "so": 4, "ar": 4},
                        ("Mason Square", "North End", "Forest Park", "Indian Orchard", "Six Corners")),
        ),
        districts=(
            DistrictSpec("Boston Public Schools", "bps", "617", (
                ("East Boston High School", "9-12", "East Boston"),
                ("Donald McKay K-8 School", "K-8", "East Boston"),
                ("Mario Umana Academy", "K-8", "East Boston"),
                ("Samuel Adams Elementary School", "K-5", "East Boston"),
                ("Manassah E. Bradley Elementary School", "K-5", "East Boston"),
                ("Jeremiah E. Burke High School", "9-12", "Dorchester"),
                ("TechBoston Academy", "6-12", "Dorchester"),
                ("Lilla G. Frederick Middle School", "6-8", "Dorchester"),
                ("Richard J. Murphy K-8 School", "K-8", "Dorchester"),
                ("Mather Elementary School", "K-5", "Dorchester"),
                ("Joseph Lee K-8 School", "K-8", "Dorchester"),
            ), answers=(45, 35, 20)),
            DistrictSpec("Lawrence Public Schools", "lawrence", "978", (
                ("Lawrence High School", "9-12", "Lawrence"),
                ("Parthum Middle School", "6-8", "Lawrence"),
                ("Arlington Middle School", "6-8", "Lawrence"),
                ("Henry K. Oliver School", "K-8", "Lawrence"),
                ("Guilmette Elementary School", "K-5", "Lawrence"),
                ("South Lawrence East Elementary School", "K-5", "Lawrence"),
            ), answers=(20, 55, 25)),
            DistrictSpec("Lowell Public Schools", "lowell", "978", (
                ("Lowell High School", "9-12", "Lowell"),
                ("Stoklosa Middle School", "6-8", "Lowell"),
                ("Bartlett Community Partnership School", "K-8", "Lowell"),
                ("Pawtucketville Memorial Elementary School", "K-4", "Lowell"),
                ("Washington Elementary School", "K-4", "Lowell"),
            ), answers=(85, 10, 5)),
            DistrictSpec("Springfield Public Schools", "springfield", "413", (
                ("High School of Science and Technology", "9-12", "Springfield"),
                ("High School of Commerce", "9-12", "Springfield"),
                ("Chestnut South Middle School", "6-8", "Springfield"),
                ("Brightwood Elementary School", "K-5", "Springfield"),
                ("Rebecca M. Johnson School", "K-5", "Springfield"),
                ("Gerena Community School", "K-5", "Springfield"),
            ), answers=(25, 20, 55)),
        ),
        agencies=(
            AgencySpec(3, "PRS Intake Team", "Problem Resolution System intake specialist",
                       "Massachusetts DESE — Problem Resolution System Office", "prs@dese.demo.example.org",
                       "+1 781 555 0140"),
            AgencySpec(4, "Boston Office Intake", "Civil rights intake",
                       "U.S. Department of Education, Office for Civil Rights — Boston",
                       "ocr.boston@ed.demo.example.org", "+1 617 555 0150"),
        ),
    ),
    OrgSpec(
        name=PPU, state="OR", deadline_profile="OREGON", utc_offset=-8, cases=170,
        chapters=(
            ChapterSpec("North Portland", 45, {"en": 40, "es": 34, "vi": 10, "so": 10, "ru": 6},
                        ("St. Johns", "Kenton", "Portsmouth", "Arbor Lodge", "Piedmont")),
            ChapterSpec("East Portland", 45, {"es": 30, "ru": 14, "vi": 14, "en": 14, "zh": 10, "so": 10, "uk": 8},
                        ("Rockwood", "Hazelwood", "Lents", "Powellhurst-Gilbert", "Parkrose", "Argay")),
        ),
        districts=(
            DistrictSpec("Portland Public Schools", "pps", "503", (
                ("Roosevelt High School", "9-12", "North Portland"),
                ("Jefferson High School", "9-12", "North Portland"),
                ("George Middle School", "6-8", "North Portland"),
                ("Ockley Green Middle School", "6-8", "North Portland"),
                ("James John Elementary School", "K-5", "North Portland"),
                ("Rosa Parks Elementary School", "K-5", "North Portland"),
                ("Leodis V. McDaniel High School", "9-12", "East Portland"),
                ("Harrison Park School", "K-8", "East Portland"),
                ("Lent School", "K-8", "East Portland"),
            ), answers=(50, 30, 20)),
            DistrictSpec("David Douglas School District", "ddouglas", "503", (
                ("David Douglas High School", "9-12", "East Portland"),
                ("Floyd Light Middle School", "6-8", "East Portland"),
                ("Cherry Park Elementary School", "K-5", "East Portland"),
                ("Gilbert Heights Elementary School", "K-5", "East Portland"),
            ), answers=(80, 12, 8)),
            DistrictSpec("Parkrose School District", "parkrose", "503", (
                ("Parkrose High School", "9-12", "East Portland"),
                ("Parkrose Middle School", "6-8", "East Portland"),
                ("Shaver Elementary School", "K-5", "East Portland"),
                ("Sacramento Elementary School", "K-5", "East Portland"),
            ), answers=(25, 45, 30)),
        ),
        agencies=(
            AgencySpec(3, "Dispute Resolution Team", "Complaint investigator",
                       "Oregon Department of Education — Dispute Resolution", "disputes@ode.demo.example.org",
                       "+1 503 555 0140"),
            AgencySpec(4, "Seattle Office Intake", "Civil rights intake",
                       "U.S. Department of Education, Office for Civil Rights — Seattle",
                       "ocr.seattle@ed.demo.example.org", "+1 206 555 0150"),
        ),
    ),
)

# District-office contacts (ladder level 2): (title, office, issue areas; empty = every category).
DISTRICT_OFFICES = (
    ("Assistant Superintendent for Special Education", "Office of Special Education", ["SPECIAL_EDUCATION"]),
    ("Director of Multilingual Learners", "Office of Multilingual and Multicultural Education",
     ["LANGUAGE_ACCESS"]),
    ("Family Ombudsperson", "Office of the Superintendent", []),
)

# Made-up names for school and district staff.
STAFF_NAMES = (
    "Karen Doyle", "Michael Tran", "Denise Alvarado", "Robert Kim", "Patricia Lynch", "Samuel Osei",
    "Laura Bettencourt", "James Whitaker", "Angela Ruiz", "Thomas Nolan", "Monique Baptiste", "David Chen",
    "Erin Gallagher", "Luis Ocasio", "Sarah Feldman", "Kevin Mahoney", "Tanya Brooks", "Peter Szabo",
    "Claudia Medeiros", "Brian Okafor", "Jennifer Lam", "Marco DeLuca", "Rachel Abrams", "Hector Vargas",
    "Linda Park", "Gregory Hale", "Nicole Duarte", "Ahmed Yusuf", "Susan Pike", "Daniel Ortega",
)


# ================================================================ families


class Names(NamedTuple):
    women: tuple[str, ...]
    men: tuple[str, ...]
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[str, ...]


NAMES: dict[str, Names] = {
    "en": Names(("Tasha", "Jennifer", "Ashley", "Keisha", "Sarah", "Brittany", "Nicole", "Latoya", "Amanda", "Megan"),
                ("Michael", "James", "Andre", "Kevin", "Brian", "Terrence", "Shawn", "Chris"),
                ("Aaliyah", "Zoe", "Madison", "Amara", "Nevaeh", "Destiny", "Emma"),
                ("Jayden", "Noah", "Mason", "Elijah", "Liam", "Tyler", "Jamal"),
                ("Johnson", "Williams", "Brown", "Jones", "Davis", "Miller", "Wilson", "Moore", "Taylor", "Jackson",
                 "Thompson", "Harris", "Walsh", "Murphy", "O'Brien", "Sullivan")),
    "es": Names(("María", "Ana", "Yesenia", "Carmen", "Rosa", "Lucía", "Gabriela", "Daniela", "Marisol",
                 "Altagracia"),
                ("José", "Luis", "Carlos", "Miguel", "Juan", "Jorge", "Wilson", "Francisco", "Rafael"),
                ("Sofía", "Valentina", "Camila", "Isabella", "Brianna", "Génesis", "Yaritza"),
                ("Mateo", "Santiago", "Diego", "Adrián", "Jayden", "Ángel", "Yariel"),
                ("Rivera", "Rodríguez", "Martínez", "Hernández", "García", "López", "Pérez", "Santos", "Reyes",
                 "Castillo", "Peña", "Batista", "Guzmán", "Ortiz", "Flores", "Ramírez", "Cruz", "Vásquez",
                 "Morales")),
    "pt": Names(("Ana Paula", "Fernanda", "Juliana", "Cláudia", "Luciana", "Patrícia"),
                ("João", "Marcos", "Rogério", "Thiago", "Fábio"),
                ("Beatriz", "Larissa", "Mariana", "Isadora", "Manuela"),
                ("Gabriel", "Lucas", "Enzo", "Pedro", "Davi", "Miguel"),
                ("Silva", "Souza", "Oliveira", "Costa", "Pereira", "Almeida", "Ferreira", "Rocha", "Carvalho",
                 "Gomes")),
    "ht": Names(("Marie", "Nadège", "Guerline", "Widline", "Rose-Marie", "Fabienne", "Jesula"),
                ("Jean", "Pierre", "Wilner", "Frantz", "Jean-Robert", "Ernst", "Ricardo"),
                ("Christelle", "Fedna", "Darline", "Djenane", "Roseline"),
                ("Kervens", "Jameson", "Mackenson", "Peterson", "Woodly", "Stanley"),
                ("Pierre", "Jean-Baptiste", "Joseph", "Louis", "Charles", "Désir", "Étienne", "Augustin",
                 "Saint-Fleur", "Célestin", "Dorvil", "Michel")),
    "kea": Names(("Fátima", "Ivone", "Elisângela", "Nilza", "Djamila"),
                 ("Manuel", "Adilson", "Carlos", "Djon", "Nelson"),
                 ("Jéssica", "Edna", "Yara", "Neusa", "Kátia"),
                 ("Kelvin", "Ailton", "Denilson", "Stiven", "Edmilson"),
                 ("Andrade", "Barros", "Fernandes", "Gomes", "Lopes", "Monteiro", "Tavares", "Varela", "Semedo",
                  "Fortes")),
    "vi": Names(("Lan", "Hương", "Thảo", "Mai", "Ngọc", "Linh", "Trang"),
                ("Minh", "Tuấn", "Hùng", "Dũng", "Quang", "Thanh"),
                ("Vy", "Khánh Linh", "Emily", "Tiffany", "Ngân"),
                ("An", "Bảo", "Duy", "Kevin", "Khang", "Huy"),
                ("Nguyen", "Tran", "Le", "Pham", "Huynh", "Phan", "Vo", "Dang", "Bui", "Do")),
    "km": Names(("Sokha", "Chanthy", "Sophea", "Bopha", "Channary", "Sreymom"),
                ("Vannak", "Sophal", "Rithy", "Dara", "Sambath", "Visal"),
                ("Rathana", "Chantrea", "Pisey", "Sreyneang", "Sokheng"),
                ("Jonathan", "Bunthoeun", "Kevin", "Visoth", "Piseth"),
                ("Chea", "Sok", "Keo", "Chhim", "Prak", "Meas", "Ouk", "Pich", "Touch", "Heng")),
    "so": Names(("Hodan", "Amina", "Fadumo", "Sahra", "Ifrah", "Hawa", "Ayan"),
                ("Abdi", "Mohamed", "Hassan", "Ahmed", "Abdirahman", "Omar"),
                ("Maryan", "Ilhan", "Sagal", "Nasra", "Hibaq"),
                ("Hamza", "Yusuf", "Khadar", "Bilal", "Mustafa"),
                ("Warsame", "Abdi", "Hassan", "Farah", "Mohamud", "Osman", "Ali", "Jama", "Aden", "Hussein")),
    "ar": Names(("Fatima", "Khadija", "Nadia", "Samira", "Rania", "Amal", "Layla"),
                ("Youssef", "Mohamed", "Ahmed", "Karim", "Omar", "Rachid", "Hicham"),
                ("Yasmine", "Inès", "Salma", "Lina", "Malak"),
                ("Adam", "Rayan", "Amine", "Zakaria", "Ilyas"),
                ("El Amrani", "Benali", "Haddad", "Mansour", "Khalil", "Saleh", "Alaoui", "Bennani", "Idrissi",
                 "Tazi")),
    "ru": Names(("Olga", "Natalia", "Svetlana", "Irina", "Tatiana", "Yelena"),
                ("Sergei", "Alexei", "Dmitri", "Viktor", "Andrei", "Pavel"),
                ("Sofia", "Anastasia", "Polina", "Veronika", "Alina"),
                ("Artem", "Daniil", "Maksim", "Timofei", "Kirill"),
                ("Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Moroz", "Savchuk", "Lysenko", "Kravets",
                 "Sydorenko", "Marchenko")),
    "uk": Names(("Oksana", "Halyna", "Iryna", "Nadiya", "Olena"),
                ("Taras", "Oleksandr", "Bohdan", "Mykola", "Yurii"),
                ("Mariia", "Sofiia", "Zlata", "Solomiia"),
                ("Andrii", "Yaroslav", "Dmytro", "Maksym"),
                ("Kovalchuk", "Boyko", "Melnyk", "Hnatyuk", "Rudenko", "Petrenko", "Kostenko", "Romaniuk")),
    "zh": Names(("Li Na", "Fang", "Mei Ling", "Xiuying", "Hui", "Yan"),
                ("Wei", "Jian", "Jun", "Hao", "Ming"),
                ("Angela", "Xinyi", "Amy", "Yuxuan", "Zixuan"),
                ("Kevin", "Ethan", "Zhihao", "Jason", "Haoran"),
                ("Chen", "Wang", "Li", "Zhang", "Liu", "Huang", "Wu", "Lin", "Zhou", "Yang")),
}

# Self-reported race/ethnicity (optional; used only in aggregates), by the family's language.
RACE_ETHNICITY: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (("Black or African American",), ("White",), ("Hispanic or Latino",),
           ("Black or African American", "White"), ("American Indian or Alaska Native",)),
    "es": (("Hispanic or Latino",), ("Hispanic or Latino", "Black or African American"), ("Hispanic or Latino",
                                                                                           "White")),
    "pt": (("White",), ("Black or African American",), ("Hispanic or Latino",)),
    "ht": (("Black or African American",),),
    "kea": (("Black or African American",), ("Black or African American", "White")),
    "so": (("Black or African American",),),
    "vi": (("Asian",),), "km": (("Asian",),), "zh": (("Asian",),),
    "ar": (("Middle Eastern or North African",), ("White",)),
    "ru": (("White",),), "uk": (("White",),),
}

RELATIONSHIPS = {"mother": 55, "father": 20, "grandmother": 10, "aunt": 5, "guardian": 5, "foster parent": 5}
SPECIAL_EDUCATION = {SpecialEducationStatus.NONE: 42, SpecialEducationStatus.IEP: 28,
                     SpecialEducationStatus.PLAN_504: 9, SpecialEducationStatus.EVALUATION_REQUESTED: 8,
                     SpecialEducationStatus.UNKNOWN: 13}
CONTACT_NOTES = (
    "Call after 5pm; works the early shift.",
    "Prefers voice messages over texts.",
    "Do not ask the older sibling to interpret.",
    "Shared phone with the grandmother; ask for the mother by name.",
    "Best reached on WhatsApp; phone minutes are limited.",
    "Works nights; mornings before 11 are hard.",
    "Needs childcare to attend meetings in person.",
    "Letters by mail only reach the family slowly (shared mailbox).",
)


# ================================================================ cases


CATEGORY_WEIGHTS = {"DISCIPLINE": 30, "SPECIAL_EDUCATION": 30, "LANGUAGE_ACCESS": 14, "BULLYING_HARASSMENT": 8,
                    "ENROLLMENT": 5, "TRANSPORTATION": 5, "SAFETY": 3, "ATTENDANCE": 4, "OTHER": 1}

# Issues a family brings without a particular student.
FAMILY_LEVEL = (("LANGUAGE_ACCESS", "DOCUMENTS_NOT_TRANSLATED"), ("LANGUAGE_ACCESS", "NO_INTERPRETER"),
                ("LANGUAGE_ACCESS", "LANGUAGE_ACCESS_OTHER"), ("ENROLLMENT", "ENROLLMENT_DENIED_DELAYED"),
                ("ENROLLMENT", "RECORDS_REQUEST"), ("OTHER", "OTHER"))

class Issue(NamedTuple):
    titles: tuple[str, ...]        # short, without names (titles are shown to everyone who sees the case)
    happened: tuple[str, ...]      # a sentence of the narrative; {kid} is the student's first name
    wants: tuple[str, ...]         # "The family wants ..."
    tags: tuple[str, ...] = ()


ISSUES: dict[str, Issue] = {
    # discipline
    "IN_SCHOOL_SUSPENSION": Issue(
        ("Repeated in-school suspensions for talking back", "ISS with no classwork provided"),
        ("{kid} spends whole days in the ISS room with no teacher and no classwork.",),
        ("classwork during removals and a behavior plan",), ("repeat-removal",)),
    "OUT_OF_SCHOOL_SUSPENSION": Issue(
        ("3-day OSS without manifestation determination", "Suspended 5 days; no written notice to parent",
         "OSS for a phone in class", "Fourth suspension this year; no team meeting"),
        ("{kid} was sent home and the family got no written notice or chance to meet first.",
         "This is not the first suspension this year; the school has not held a team meeting."),
        ("the suspension taken off the record", "a manifestation determination meeting"),
        ("mdr", "notice-missing", "repeat-removal")),
    "EXPULSION": Issue(
        ("Expulsion hearing scheduled without notice of rights", "Long-term removal; no alternative education"),
        ("The hearing notice did not explain the family's rights.",
         "{kid} has been home for weeks with no schoolwork."),
        ("a fair hearing and a written decision", "alternative education while the appeal is pending"),
        ("mdr", "notice-missing")),
    "EMERGENCY_REMOVAL": Issue(
        ("Emergency removal longer than two school days", "Sent home early almost every day (informal removal)"),
        ("The school called it a 'cool-down day at home', so it does not show up as a suspension.",),
        ("a written notice and a meeting before any removal",), ("informal-removal",)),
    "RESTRAINT_SECLUSION": Issue(
        ("Physical restraint; parent not told within 24 hours", "Student secluded in a separate room",
         "Restraint with injury; report requested"),
        ("{kid} came home with bruises on both arms.",
         "The family heard about the restraint from {kid}, not from the school."),
        ("the restraint report and a meeting", "a behavior plan that rules out seclusion"), ("restraint",)),
    "POLICE_REFERRAL_ARREST": Issue(
        ("School police referral after a hallway fight", "Arrested at school; family not called",
         "Police called for a mental-health crisis"),
        ("Staff called the police instead of the family or the school counselor.",
         "{kid} now has a court date over something that happened at school."),
        ("the school to stop calling the police for discipline", "a meeting with the principal and counselor"),
        ("school-police",)),
    "DISCIPLINE_OTHER": Issue(
        ("Excluded from the field trip as punishment", "Lunch detention every day for a month"),
        ("The punishments keep piling up while the problem behind them is not addressed.",),
        ("a behavior plan instead of more punishment",)),
    # special education
    "EVALUATION_REQUEST_DELAY": Issue(
        ("Evaluation requested in writing; no consent form after 30 days", "Initial evaluation past the timeline",
         "School says 'wait and see' instead of evaluating"),
        ("The family asked in writing months ago and is still waiting.", "{kid} is falling further behind."),
        ("an evaluation within the legal timeline",), ("evaluation-timeline", "written-request")),
    "ELIGIBILITY": Issue(
        ("Found not eligible despite failing grades", "Eligibility meeting held without the parent"),
        ("The team decided {kid} does not qualify without looking at the outside evaluation.",),
        ("an independent evaluation at the district's expense",), ("team-meeting",)),
    "IEP_DEVELOPMENT": Issue(
        ("IEP draft not sent after the team meeting", "IEP goals copied from last year",
         "Parent concerns left out of the IEP"),
        ("The family's concerns were not written into the IEP.",
         "The IEP has not changed in two years although {kid} is struggling."),
        ("an IEP meeting with the parent's concerns on the record",), ("team-meeting",)),
    "IEP_SERVICES_NOT_DELIVERED": Issue(
        ("Speech services missed for six weeks", "No paraprofessional since September",
         "Counseling minutes on the IEP not provided", "OT services not delivered"),
        ("The services on paper are not happening.",
         "Staff told the family that the school 'does not have the staff' this year."),
        ("the missed services made up", "compensatory services in writing"), ("compensatory-services",)),
    "PLACEMENT": Issue(
        ("Proposed move to a substantially separate program", "Out-of-district placement delayed"),
        ("The school wants to move {kid} to a separate program without trying more support first.",),
        ("supports in the current school before any move",), ("team-meeting",)),
    "PLAN_504": Issue(
        ("504 accommodations ignored on tests", "504 plan for diabetes not followed", "504 meeting request refused"),
        ("Teachers say they never saw the 504 plan.", "The accommodations are on paper but not happening in class."),
        ("the 504 plan followed in every class",), ("504",)),
    "SPECIAL_EDUCATION_OTHER": Issue(
        ("IEP progress reports not sent", "Extended school year services denied"),
        ("The school has not answered the family's questions about the IEP.",),
        ("a clear answer from the special education office",)),
    # language access
    "NO_INTERPRETER": Issue(
        ("No interpreter at the IEP meeting", "Sibling asked to interpret at a discipline meeting",
         "Phone interpreter not offered at the parent conference"),
        ("The family could not follow the meeting and signed papers they could not read.",
         "The school keeps asking {kid} to interpret for the parents."),
        ("a qualified interpreter at every meeting",), ("interpreter",)),
    "DOCUMENTS_NOT_TRANSLATED": Issue(
        ("Suspension notice only in English", "IEP not translated", "Report card and school notices in English only"),
        ("Notices arrive in English only and the family misses deadlines.",),
        ("documents translated into the family's language",), ("translation",)),
    "ENGLISH_LEARNER_SERVICES": Issue(
        ("No ESL services this term", "Exited from EL services without testing",
         "Newcomer placed in mainstream classes without support"),
        ("{kid} gets no English-language instruction and is failing classes.",),
        ("the English-learner services the student is entitled to",), ("el-services", "newcomer")),
    "LANGUAGE_ACCESS_OTHER": Issue(
        ("Front office turns away parents who don't speak English", "Parent portal only in English"),
        ("The front office tells the family to come back with someone who speaks English.",),
        ("to be served in their language at the front office",)),
    # bullying and harassment
    "BULLYING": Issue(
        ("Repeated bullying on the bus; no safety plan", "Bullying report not investigated"),
        ("{kid} does not want to go to school anymore.", "The family reported it twice and heard nothing back."),
        ("a safety plan", "an investigation and a written answer"), ("safety-plan",)),
    "HARASSMENT_DISCRIMINATION": Issue(
        ("Racial slurs by classmates; school did not respond", "Harassed for wearing a hijab",
         "Teased for accent; teacher joined in"),
        ("Staff saw part of it and did not intervene.",),
        ("an investigation and a written answer",), ("discrimination",)),
    "CYBERBULLYING": Issue(
        ("Group chat harassment spilling into school", "Fake social-media account targeting student"),
        ("Screenshots show classmates posting about {kid} every night.",),
        ("the school to act on what spills into school",), ("safety-plan",)),
    # enrollment
    "ENROLLMENT_DENIED_DELAYED": Issue(
        ("Enrollment delayed over proof of address", "Newcomer family told to wait for a seat",
         "Enrollment refused without a birth certificate"),
        ("The family has been going back and forth to the welcome center for weeks.",
         "{kid} has been out of school while the paperwork is sorted out."),
        ("enrollment this week",), ("newcomer", "mckinney-vento")),
    "SCHOOL_ASSIGNMENT_TRANSFER": Issue(
        ("Safety transfer request denied", "Assigned to a school 45 minutes away"),
        ("The family asked for a transfer and was told no, with no reason given.",),
        ("a transfer to a safer school closer to home",)),
    "RECORDS_REQUEST": Issue(
        ("Student records request unanswered after 10 days", "Request for discipline records ignored"),
        ("The family asked for the records in writing and has not received them.",),
        ("the complete records within the legal timeline",), ("records", "written-request")),
    # transportation
    "NO_BUS_SERVICE": Issue(
        ("No bus assigned three weeks into the year", "Bus route cut; no alternative offered"),
        ("The parent has to leave work to drive every day.",), ("a bus that comes",), ("bus",)),
    "SPECIALIZED_TRANSPORTATION": Issue(
        ("IEP transportation with a monitor not provided", "Wheelchair-accessible van not arriving"),
        ("{kid} misses school on the days the van does not come.",),
        ("the transportation written in the IEP",), ("bus", "iep-transport")),
    "UNSAFE_LATE_BUS": Issue(
        ("Bus late every morning; student marked tardy", "Student dropped at the wrong stop"),
        ("{kid} misses first period most days.",), ("a bus that comes on time and a safe stop",), ("bus",)),
    # safety
    "UNSAFE_FACILITIES": Issue(
        ("Classroom without heat", "Mold in the modular classroom", "Broken elevator; student on crutches"),
        ("Families and teachers have reported it for months.",), ("the problem fixed",), ("facilities",)),
    "THREATS_VIOLENCE": Issue(
        ("Threatened with a weapon near school", "Fight outside school; no follow-up from staff"),
        ("The family is afraid to send {kid} to school.",), ("a safety plan",), ("safety-plan",)),
    "HEALTH_MEDICAL": Issue(
        ("No nurse to give seizure medication", "Asthma action plan not followed", "Allergy plan ignored at lunch"),
        ("There is often no nurse or trained staff member in the building.",),
        ("a health plan that staff follow",), ("health-plan",)),
    # attendance
    "CHRONIC_ABSENCE": Issue(
        ("Chronic absence letter with no support offered", "Absences from anxiety; no plan"),
        ("{kid} has missed many days and the school has offered letters, not a plan.",),
        ("a support plan instead of letters",), ("chronic-absence",)),
    "TRUANCY_COURT_REFERRAL": Issue(
        ("Truancy court referral after medical absences", "Threatened with a truancy petition"),
        ("Most absences are medical and the family has doctor's notes.",),
        ("the court referral withdrawn and a support plan",), ("court", "chronic-absence")),
    "SHORTENED_SCHOOL_DAY": Issue(
        ("Student on a two-hour day for months", "Shortened day without an IEP meeting"),
        ("The school sends {kid} home after two hours every day.",),
        ("a full school day with the supports to make it work",), ("shortened-day", "informal-removal")),
    # other
    "OTHER": Issue(
        ("School fee waiver denied", "Graduation credits question", "Parent barred from campus"),
        ("The family is not sure who at the district can help.",), ("a clear answer from the district",)),
}
ORG_TAGS = ("board-testimony", "media", "campaign-evidence")

URGENT_SUBCATEGORIES = {"EXPULSION", "RESTRAINT_SECLUSION", "POLICE_REFERRAL_ARREST", "THREATS_VIOLENCE",
                        "HEALTH_MEDICAL", "ENROLLMENT_DENIED_DELAYED"}

# Final status by how long ago the case was opened: (younger than days, weights).
STATUS_BY_AGE = (
    (14, {"INTAKE": 45, "OPEN": 35, "ESCALATED": 5, "ON_HOLD": 5, "RESOLVED": 5, "CLOSED": 5}),
    (60, {"INTAKE": 8, "OPEN": 40, "ESCALATED": 20, "ON_HOLD": 10, "RESOLVED": 12, "CLOSED": 10}),
    (180, {"INTAKE": 2, "OPEN": 18, "ESCALATED": 15, "ON_HOLD": 10, "RESOLVED": 20, "CLOSED": 35}),
    (10**6, {"INTAKE": 1, "OPEN": 6, "ESCALATED": 5, "ON_HOLD": 6, "RESOLVED": 12, "CLOSED": 70}),
)

# How a case got to its status: (weight, the statuses after INTAKE, in order). Checked by the workflow.
PATHS: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = {
    "INTAKE": ((1, ()),),
    "OPEN": ((82, ("OPEN",)), (10, ("ON_HOLD", "OPEN")), (8, ("OPEN", "RESOLVED", "OPEN"))),
    "ESCALATED": ((85, ("OPEN", "ESCALATED")), (15, ("OPEN", "ON_HOLD", "OPEN", "ESCALATED"))),
    "ON_HOLD": ((30, ("ON_HOLD",)), (50, ("OPEN", "ON_HOLD")), (20, ("OPEN", "ESCALATED", "ON_HOLD"))),
    "RESOLVED": ((55, ("OPEN", "RESOLVED")), (45, ("OPEN", "ESCALATED", "RESOLVED"))),
    "CLOSED": ((48, ("OPEN", "RESOLVED", "CLOSED")), (34, ("OPEN", "ESCALATED", "RESOLVED", "CLOSED")),
               (8, ("CLOSED",)), (6, ("ON_HOLD", "CLOSED")),
               (4, ("OPEN", "RESOLVED", "CLOSED", "OPEN", "RESOLVED", "CLOSED"))),
}

OUTCOMES = {CaseOutcome.REMEDY_ACHIEVED: 36, CaseOutcome.PARTIAL_REMEDY: 27, CaseOutcome.NO_REMEDY: 12,
            CaseOutcome.FAMILY_WITHDREW: 8, CaseOutcome.REFERRED_OUT: 9, CaseOutcome.NO_ACTION_NEEDED: 8}
OUTCOME_NOTES = {
    CaseOutcome.REMEDY_ACHIEVED: "The school agreed in writing to what the family asked for.",
    CaseOutcome.PARTIAL_REMEDY: "Part of the request was granted; the family decided to accept it for now.",
    CaseOutcome.NO_REMEDY: "The district refused; the family may file a state complaint later.",
    CaseOutcome.FAMILY_WITHDREW: "The family asked us to stop; they moved or chose not to pursue it.",
    CaseOutcome.REFERRED_OUT: "Referred to a legal services attorney.",
    CaseOutcome.NO_ACTION_NEEDED: "The school fixed it before we had to act.",
}
# What an advocate writes when moving a case: (from, to) -> notes; otherwise the plain "Status: A → B".
STATUS_NOTES: dict[tuple[str, str], tuple[str, ...]] = {
    ("INTAKE", "OPEN"): ("Intake complete; the family wants us to act.", "Intake done, records requested."),
    ("ON_HOLD", "OPEN"): ("Back on track after the pause.", "The family is ready to continue."),
    ("ESCALATED", "OPEN"): ("The district sent it back to the school; working with the principal again.",),
    ("OPEN", "ESCALATED"): ("No answer from the school within its window; escalated to the district office.",
                            "The principal refused; escalated to the district."),
    ("INTAKE", "ON_HOLD"): ("On hold until the family has the school's written notice.",),
    ("OPEN", "ON_HOLD"): ("On hold: the family is traveling for a few weeks.",
                          "On hold while we wait for the records."),
    ("ESCALATED", "ON_HOLD"): ("On hold while the district investigates.",),
    ("INTAKE", "CLOSED"): ("Closed: the family could not be reached after several attempts.",
                           "Closed: the school fixed it before intake was finished."),
    ("ON_HOLD", "CLOSED"): ("Closed: the family stopped responding after several attempts.",),
    ("RESOLVED", "CLOSED"): ("Closing the file.", "Closed after the follow-up call."),
}
CLOSED_WITHOUT_RESOLUTION = "Closed without a resolution."

# How the family first reached the chapter, by their preferred channel.
INTAKE_CHANNELS = {"PHONE": "by phone", "SMS": "by text message", "WHATSAPP": "on WhatsApp", "EMAIL": "by email",
                   "IN_PERSON": "in person at the chapter office", "MAIL": "by letter"}

ACTIVITIES: dict[CaseEventKind, tuple[str, ...]] = {
    CaseEventKind.CALL: ("Called {guardian}{interp}; went over the timeline and next steps.",
                         "Left a voicemail for the assistant principal at {school}.",
                         "Called the district office; they will look into it and call back.",
                         "{guardian} called: the school wants to meet next week."),
    CaseEventKind.MEETING: ("Team meeting at {school} with {guardian}{interp}.",
                            "Met {guardian} at the chapter office to prepare for the meeting{interp}.",
                            "Meeting with the principal: the school agreed to review what happened."),
    CaseEventKind.NOTE: ("Reviewed the records the family brought in.",
                         "Drafted a letter asking for the records and a meeting.",
                         "The family asked us to wait until after the school vacation.",
                         "Checked the district policy and the state regulations that apply."),
    CaseEventKind.DOCUMENT: ("Uploaded the school's notice (English only).",
                             "Sent the written request; kept proof of delivery.",
                             "Received the school's written answer; reviewing it with the family."),
}
ACTIVITY_KINDS = {CaseEventKind.CALL: 40, CaseEventKind.NOTE: 25, CaseEventKind.MEETING: 20,
                  CaseEventKind.DOCUMENT: 15}


# ================================================================ escalations and statutory deadlines


# What goes into an escalation, by subcategory: (summaries, remedies requested). De-identified: {who} is
# "a 7th grader with an IEP" (or "the children" when the case is about the whole family), {Who} the same
# capitalized; names never appear (the letter goes to district staff and state agencies).
ESCALATION_TEXT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "IN_SCHOOL_SUSPENSION": (
        ("{Who} has spent {days} full days in in-school suspension this term with no teacher and no classwork.",),
        ("Classwork and instruction during every removal, and a behavior plan developed with the family.",)),
    "OUT_OF_SCHOOL_SUSPENSION": (
        ("{Who} was suspended {days} days without written notice to the parent or a chance to be heard first.",
         "{Who} has been suspended {days} times this year; the school has not convened a team meeting."),
        ("Remove the suspension from the record and meet with the family before any further removal.",)),
    "EXPULSION": (
        ("{Who} faces an expulsion hearing; the notice did not explain the family's rights or offer an "
         "interpreter.", "{Who} has been out of school for {days} days pending expulsion with no schoolwork."),
        ("Postpone the hearing until proper notice is given, and provide alternative education meanwhile.",)),
    "EMERGENCY_REMOVAL": (
        ("{Who} is sent home early most days; the school calls it a 'cool-down' so it is not recorded as a "
         "suspension.",),
        ("Stop informal removals, record every removal, and hold a meeting on supports.",)),
    "RESTRAINT_SECLUSION": (
        ("{Who} was physically restrained at school; the parent was not told within 24 hours and has not "
         "received the written report.", "{Who} was secluded in a separate room on {days} occasions this month."),
        ("The written restraint report, a meeting within 10 days, and a plan that rules out seclusion.",)),
    "POLICE_REFERRAL_ARREST": (
        ("Staff called the police on {who} over a hallway conflict instead of using the school's discipline "
         "and counseling procedures.",),
        ("Meet with the family, review the referral, and follow the district policy limiting police involvement "
         "in discipline.",)),
    "DISCIPLINE_OTHER": (
        ("{Who} has had lunch detention every day for a month; the behavior behind it has not been addressed.",),
        ("A behavior support plan in place of repeated punishments.",)),
    "EVALUATION_REQUEST_DELAY": (
        ("The parent of {who} requested a special education evaluation in writing; the evaluation has not been "
         "completed within the timeline.", "The school told the parent of {who} to 'wait and see' instead of "
         "evaluating, although the student is failing two classes."),
        ("Complete the evaluation now and convene the team meeting within the state timeline.",)),
    "ELIGIBILITY": (
        ("{Who} was found not eligible for special education without the team considering the outside "
         "evaluation the family provided.",),
        ("Reconvene the team to consider the outside evaluation, or fund an independent educational "
         "evaluation.",)),
    "IEP_DEVELOPMENT": (
        ("The IEP proposed for {who} leaves out the parent's concerns and repeats last year's goals.",
         "The school has not sent the IEP for {who} {days} weeks after the team meeting."),
        ("Reconvene the team and revise the IEP with the parent's concerns and measurable goals.",)),
    "IEP_SERVICES_NOT_DELIVERED": (
        ("{Who} has not received the {service} services in the IEP for {days} weeks.",),
        ("Resume the services immediately and put compensatory services in writing.",)),
    "PLACEMENT": (
        ("The school proposes moving {who} to a substantially separate program without trying more support in "
         "the current classroom.",),
        ("Keep the current placement with added supports; no change of placement without a team meeting.",)),
    "PLAN_504": (
        ("Teachers are not following the 504 plan of {who}; testing accommodations were not provided this "
         "term.",),
        ("Share the 504 plan with every teacher and confirm in writing that the accommodations are in place.",)),
    "SPECIAL_EDUCATION_OTHER": (
        ("The family of {who} has not received IEP progress reports this year despite written requests.",),
        ("Send the missing progress reports and a schedule for the next ones.",)),
    "NO_INTERPRETER": (
        ("No qualified interpreter was provided at a school meeting about {who}; a sibling was asked to "
         "interpret.",),
        ("A qualified interpreter at every meeting with the family, and the meeting held again with one.",)),
    "DOCUMENTS_NOT_TRANSLATED": (
        ("Discipline and special education notices about {who} reach the family only in English.",),
        ("Translate the notices into the family's language and resend them.",)),
    "ENGLISH_LEARNER_SERVICES": (
        ("{Who} has received no English-language development instruction this term.",),
        ("Provide the required English-language instruction and a plan to make up the missed services.",)),
    "LANGUAGE_ACCESS_OTHER": (
        ("The front office turns the parent away when they come without someone who speaks English.",),
        ("Phone interpretation at the front office and training for front-office staff.",)),
    "BULLYING": (
        ("{Who} has been bullied repeatedly on the bus and at recess; the family's two reports were not "
         "investigated.",),
        ("Investigate, put a safety plan in place, and answer the family in writing.",)),
    "HARASSMENT_DISCRIMINATION": (
        ("{Who} has been targeted with slurs by classmates; staff saw some incidents and did not intervene.",),
        ("Investigate under the district's anti-discrimination policy and put a safety plan in place.",)),
    "CYBERBULLYING": (
        ("Harassment of {who} in a group chat is spilling into school; the school says it cannot act.",),
        ("Investigate the impact at school and put a safety plan in place.",)),
    "ENROLLMENT_DENIED_DELAYED": (
        ("A newcomer family has been unable to enroll {who} for {days} weeks over proof-of-address documents.",),
        ("Enroll now; residency questions can be settled after enrollment.",)),
    "SCHOOL_ASSIGNMENT_TRANSFER": (
        ("The family's safety transfer request for {who} was denied without a written reason.",),
        ("Reconsider the transfer and answer in writing with the reasons.",)),
    "RECORDS_REQUEST": (
        ("The parent's written request for the student records of {who} is unanswered past the legal "
         "timeline.",),
        ("Provide the complete records now.",)),
    "NO_BUS_SERVICE": (
        ("{Who} has had no bus assignment for {days} weeks.",),
        ("Assign a bus route this week and reimburse the family's transportation costs.",)),
    "SPECIALIZED_TRANSPORTATION": (
        ("The transportation with a monitor in the IEP of {who} is not provided; the student misses school when "
         "the van does not come.",),
        ("Provide the IEP transportation every day and make up the missed school days.",)),
    "UNSAFE_LATE_BUS": (
        ("The bus of {who} arrives late most mornings and the student is marked tardy.",),
        ("Fix the route and remove the tardies the bus caused.",)),
    "UNSAFE_FACILITIES": (
        ("Families have reported an unsafe condition in the building of {who} (no heat, mold) for months.",),
        ("Repair it and tell families the timeline in writing.",)),
    "THREATS_VIOLENCE": (
        ("{Who} was threatened near school; there has been no follow-up and no safety plan.",),
        ("A safety plan and a meeting with the family.",)),
    "HEALTH_MEDICAL": (
        ("The health plan of {who} is not followed; there is often no nurse or trained staff in the building.",),
        ("Trained staff in the building all day and the health plan followed.",)),
    "CHRONIC_ABSENCE": (
        ("{Who} has missed {absences} school days because of anxiety; the school sends letters but offers no "
         "support plan.",),
        ("A support plan made with the family in place of warning letters.",)),
    "TRUANCY_COURT_REFERRAL": (
        ("{Who} was referred to truancy court although most absences are documented as medical.",),
        ("Withdraw the court referral and meet to make a support plan.",)),
    "SHORTENED_SCHOOL_DAY": (
        ("{Who} has been on a two-hour school day for {days} weeks without a team meeting.",),
        ("Restore a full school day with supports, and compensatory services.",)),
    "OTHER": (
        ("The family has asked the school for a clear answer about {who} for weeks without a reply.",),
        ("A written answer and a meeting.",)),
}
# Discipline of a student with an IEP or a 504 plan: the manifestation determination is the point.
MDR_TEXT = (
    ("{Who} was suspended {days} days without a manifestation determination.",
     "{Who} has been removed for more than 10 school days this year and no manifestation determination was "
     "held."),
    ("Convene a manifestation determination, expunge the suspension and review the behavior intervention "
     "plan.",))
SERVICES = ("speech-language", "counseling", "occupational therapy", "paraprofessional support")

# How an answer reads, by ladder level: (the answer the family hoped for, the other kind).
ANSWERS: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    1: (("The principal agreed to meet with the family next week and review what happened.",
         "The principal agreed in writing to what the family asked for."),
        ("The principal says the school followed its policy and will not change the decision.",
         "The principal referred us to the district office.")),
    2: (("The office agreed to the remedy and will follow up with the school.",
         "The district will convene a meeting within two weeks and put the agreement in writing."),
        ("The office says it is looking into it; no timeline given.",
         "The office backed the school's decision.")),
    3: (("The state opened a complaint and required the district to answer in writing.",
         "The state found the district out of compliance and ordered corrective action."),
        ("The state declined to open a complaint and referred the family back to the district.",)),
    4: (("OCR opened an investigation and offered early mediation.",),
        ("OCR dismissed the complaint as untimely; the family was referred to legal services.",)),
}
# State and federal offices answer more regularly than schools do: (within the window, late, never).
AGENCY_ANSWERS = {3: (65, 25, 10), 4: (45, 35, 20)}
# Chance of going a rung up: after no answer within the window, and after an answer that did not resolve it.
UP_WITHOUT_ANSWER = {1: 0.6, 2: 0.5, 3: 0.3}
UP_AFTER_ANSWER = {1: 0.5, 2: 0.4, 3: 0.3}
MAX_ESCALATIONS = 3
CHANNELS = {EscalationChannel.EMAIL: 70, EscalationChannel.LETTER: 12, EscalationChannel.MEETING: 10,
            EscalationChannel.PHONE: 8}
AGENCY_CHANNELS = {EscalationChannel.EMAIL: 65, EscalationChannel.LETTER: 35}
NO_RELEASE = ("Escalated: the family is taking it to the district themselves; there is no active release on file "
              "for us to share their records.")
CLOSE_NOTES = ("Closing the escalation: resolved at the school.", "Closing the escalation; the case is resolved.")

# Statutory timelines recorded on cases (milestones and the deadlines they start).
EVALUATION_SUBCATEGORIES = ("EVALUATION_REQUEST_DELAY", "ELIGIBILITY")
MDR_SUBCATEGORIES = ("OUT_OF_SCHOOL_SUSPENSION", "EXPULSION", "EMERGENCY_REMOVAL")
MILESTONE_NOTES: dict[Milestone, tuple[str, ...]] = {
    Milestone.EVALUATION_CONSENT_SIGNED: ("The parent signed the consent form at the school; we have a copy.",
                                          "Consent form signed after we asked for it in writing."),
    Milestone.EVALUATION_COMPLETED: ("Evaluation reports received.", "The school says all assessments are done."),
    Milestone.IEP_PROPOSED: ("The proposed IEP arrived by mail.", "Team meeting held; IEP proposed."),
    Milestone.PLACEMENT_CHANGE_DECIDED: ("With earlier removals this is more than 10 school days this year.",
                                         "Long-term suspension decided at the hearing."),
    Milestone.MANIFESTATION_DETERMINATION_HELD: (
        "The team found the behavior was a manifestation of the disability; the behavior plan will be revised.",
        "The team found no manifestation; the family disagrees and is considering an appeal."),
}


# ================================================================ the summary


@dataclass
class DemoOrgSummary:
    id: uuid.UUID
    name: str
    chapters: list[str]
    districts: int = 0
    schools: int = 0
    contacts: int = 0
    closures: int = 0
    families: int = 0
    students: int = 0
    consents: int = 0
    cases: int = 0
    events: int = 0
    cases_by_status: dict[str, int] = field(default_factory=dict)
    escalations: int = 0
    escalations_by_status: dict[str, int] = field(default_factory=dict)
    escalations_overdue: int = 0                   # open and past their response date today
    escalations_answered_late: int = 0
    deadlines: int = 0
    deadlines_by_status: dict[str, int] = field(default_factory=dict)   # MET, MET_LATE, MISSED, OPEN


@dataclass
class DemoSummary:
    organizations: list[DemoOrgSummary]
    users: tuple[DemoUser, ...]
    password: str
    school_years: tuple[str, str]
    seconds: float


# ================================================================ loading


async def load_demo(db: Database, *, now: datetime | None = None) -> DemoSummary:
    """Create the demo organizations, staff, directory, families and cases in one unit of work.

    `now` is the moment the data is as of (default: the present; tests load it at other times of day).
    Raises CONFLICT (and changes nothing) when the demo users already exist.
    """
    started = clock.perf_counter()
    today = now.date() if now else date.today()
    now = now or utcnow()
    rng = random.Random(SEED)
    summaries = []
    async with db.transaction() as s:
        await _refuse_if_loaded(s)
        for spec in ORGS:
            summaries.append(await _load_org(s, rng, spec, today, now))
    current = school_year_start(today)
    return DemoSummary(organizations=summaries, users=DEMO_USERS, password=DEMO_PASSWORD,
                       school_years=(school_year_label(current.replace(year=current.year - 1)),
                                     school_year_label(current)),
                       seconds=clock.perf_counter() - started)


async def _refuse_if_loaded(s: AsyncSession) -> None:
    taken = list(await s.scalars(select(User.email).where(User.email.in_([u.email for u in DEMO_USERS]))))
    if taken:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"The demo data is already loaded ({MPU}, {PPU}): sign in as one of its users "
            f"(e.g. {sorted(taken)[0]}) with the password {DEMO_PASSWORD}, or load it into an empty database.")


def school_year_start(day: date) -> date:
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def school_year_label(start: date) -> str:
    return f"{start.year}-{(start.year + 1) % 100:02d}"


@dataclass
class _Ctx:
    """What the builders of one organization share."""

    rng: random.Random
    spec: OrgSpec
    org_id: uuid.UUID
    today: date
    now: datetime
    tz: timezone
    chapter_ids: dict[str, uuid.UUID]
    advocates: dict[str, uuid.UUID]                     # chapter -> its advocate
    admin_id: uuid.UUID
    schools: dict[str, list[School]] = field(default_factory=dict)     # chapter -> schools
    district_of_chapter: dict[str, uuid.UUID] = field(default_factory=dict)
    district_names: dict[uuid.UUID, str] = field(default_factory=dict)
    ladder: dict[int, tuple[str, int]] = field(default_factory=dict)              # level -> (name, window)
    calendars: dict[uuid.UUID, SchoolCalendar] = field(default_factory=dict)     # district -> its calendar
    answers: dict[uuid.UUID, tuple[int, int, int]] = field(default_factory=dict)
    principals: dict[uuid.UUID, DistrictContact] = field(default_factory=dict)   # school -> its principal
    rungs: dict[tuple[uuid.UUID, int], list[DistrictContact]] = field(default_factory=dict)  # (district, level)
    escalations: list[Escalation] = field(default_factory=list)
    ladders: list[_Ladder] = field(default_factory=list)         # the cases that were escalated
    open_cases: list[_Open] = field(default_factory=list)        # OPEN cases that could still be
    answers_given: dict[uuid.UUID, CaseEvent] = field(default_factory=dict)   # escalation -> its answer
    deadlines: list[CaseDeadline] = field(default_factory=list)
    new_consents: list[Consent] = field(default_factory=list)    # releases signed in order to escalate
    milestones: list[_Milestones] = field(default_factory=list)

    @property
    def earliest(self) -> date:
        """The first day the district calendars cover (the previous school year's start)."""
        start = school_year_start(self.today)
        return start.replace(year=start.year - 1)

    def moment(self, day: date, after: datetime) -> datetime | None:
        """A moment on `day` later than `after`, or None when that would be in the future."""
        if day > self.today:
            return None
        at = self.at(day)
        if at <= after:
            at = after + timedelta(minutes=self.rng.randint(5, 90))
        return at if at <= self.now else None

    def id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, day: date) -> datetime:
        """A moment in local business hours on `day`, in UTC; today's are an hour or more ago."""
        local = datetime.combine(day, time(8, 0), tzinfo=self.tz) + timedelta(minutes=self.rng.randint(0, 600))
        moment = local.astimezone(timezone.utc)
        return moment if moment <= self.now else self.now - timedelta(minutes=self.rng.randint(60, 240))

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def day_of(self, moment: datetime, floor: date) -> date:
        """The day something at `moment` happened on, as the timeline dates status changes: not before
        `floor` (the case's opening) nor after today."""
        return min(max(self.local_day(moment), floor), self.today)


async def _load_org(s: AsyncSession, rng: random.Random, spec: OrgSpec, today: date,
                    now: datetime) -> DemoOrgSummary:
    staff = [u for u in DEMO_USERS if u.org == spec.name]
    founder = next(u for u in staff if u.role == "admin")
    org, admin = await create_organization(
        s, name=spec.name, chapters=[c.name for c in spec.chapters], admin_email=founder.email,
        admin_password=DEMO_PASSWORD, admin_name=founder.name)
    chapter_ids = {c.name: c.id for c in await s.scalars(select(Chapter).where(Chapter.organization_id == org.id))}
    users = {founder.email: admin}
    for u in staff:
        if u is not founder:
            # One argon2 hash per organization: the others share the founder's (same password).
            users[u.email] = await create_user(
                s, organization_id=org.id, email=u.email, password=None, display_name=u.name, roles=[u.role],
                chapter_ids=[chapter_ids[c] for c in u.chapters])
            users[u.email].password_hash = admin.password_hash

    # The organization has been around since before the previous school year.
    since = datetime.combine(school_year_start(today).replace(year=school_year_start(today).year - 1)
                             - timedelta(days=45), time(14, 0), tzinfo=timezone.utc)
    org.created_at = since
    org.deadline_profile = spec.deadline_profile
    for user in users.values():
        user.created_at = since
    await s.execute(update(Chapter).where(Chapter.organization_id == org.id).values(created_at=since))
    await s.execute(update(Membership).where(Membership.organization_id == org.id).values(created_at=since))

    tz = timezone(timedelta(hours=spec.utc_offset))
    ctx = _Ctx(rng=rng, spec=spec, org_id=org.id, today=today, now=now,
               tz=tz, chapter_ids=chapter_ids, admin_id=admin.id,
               advocates={u.chapters[0]: users[u.email].id for u in staff if u.role == "advocate"})
    ctx.ladder = {x.level: (x.name, x.response_window_school_days) for x in await s.scalars(
        select(EscalationLevel).where(EscalationLevel.organization_id == org.id))}
    summary = DemoOrgSummary(id=org.id, name=spec.name, chapters=[c.name for c in spec.chapters])

    districts, schools, contacts, closures = _directory(ctx, since)
    s.add_all(districts)
    await s.flush()
    s.add_all(schools)
    await s.flush()
    s.add_all(contacts + closures)
    summary.districts, summary.schools, summary.contacts, summary.closures = (
        len(districts), len(schools), len(contacts), len(closures))

    families = [_family(ctx, chapter) for chapter in spec.chapters for _ in range(chapter.families)]
    s.add_all(f.family for f in families)
    await s.flush()
    for f in families:
        s.add_all(f.students)
        s.add_all(f.consents)
    await s.flush()
    summary.families = len(families)
    summary.students = sum(len(f.students) for f in families)
    summary.consents = sum(len(f.consents) for f in families)

    cases, assignees, events = _cases(ctx, families)
    s.add_all(cases)
    await s.flush()
    s.add_all(assignees + events + ctx.new_consents + ctx.deadlines)
    s.add_all(ctx.escalations)    # in order: an escalation comes after the one below it that it follows
    await s.flush()
    summary.cases, summary.events = len(cases), len(events)
    summary.consents += len(ctx.new_consents)
    by_status = Counter(c.status.value for c in cases)
    summary.cases_by_status = {st.value: by_status.get(st.value, 0) for st in CaseStatus}
    summary.escalations = len(ctx.escalations)
    by_status = Counter(e.status.value for e in ctx.escalations)
    summary.escalations_by_status = {st.value: by_status.get(st.value, 0) for st in EscalationStatus}
    summary.escalations_overdue = sum(e.status in (EscalationStatus.SENT, EscalationStatus.ACKNOWLEDGED)
                                      and e.response_due_on < today for e in ctx.escalations)
    summary.escalations_answered_late = sum(e.responded_on is not None and e.responded_on > e.response_due_on
                                            for e in ctx.escalations)
    summary.deadlines = len(ctx.deadlines)
    by_status = Counter(deadline_status(due_on=d.due_on, met_on=d.met_on, today=today).value
                        for d in ctx.deadlines)
    summary.deadlines_by_status = {st.value: by_status.get(st.value, 0) for st in DeadlineStatus}
    return summary


# ---------------------------------------------------------------- directory


def _directory(ctx: _Ctx, since: datetime):
    rng, org = ctx.rng, ctx.org_id
    staff_names = list(STAFF_NAMES)
    rng.shuffle(staff_names)
    names = iter(staff_names * 4)
    districts, schools, contacts, closures = [], [], [], []

    def contact(district: District, spec: DistrictSpec, level: int, name: str, title: str, office: str,
                issue_areas: list[str], school: School | None = None, email: str | None = None,
                phone: str | None = None) -> DistrictContact:
        return DistrictContact(
            id=ctx.id(), organization_id=org, district_id=district.id, school_id=school.id if school else None,
            name=name, title=title, office=office, issue_areas=issue_areas, ladder_level=level, active=True,
            email=email or f"{_ascii(name).replace(' ', '.')}@{spec.key}.demo.example.org",
            phone=phone or f"+1 {spec.area_code} 555 {rng.randint(100, 199):04d}", updated_at=since)

    for spec in ctx.spec.districts:
        district = District(id=ctx.id(), organization_id=org, name=spec.name, state=ctx.spec.state, created_at=since)
        districts.append(district)
        ctx.district_names[district.id] = spec.name
        for name, level, chapter in spec.schools:
            school = School(id=ctx.id(), organization_id=org, district_id=district.id, name=name, level=level,
                            created_at=since)
            schools.append(school)
            ctx.schools.setdefault(chapter, []).append(school)
            ctx.district_of_chapter.setdefault(chapter, district.id)
            contacts.append(contact(district, spec, 1, next(names), "Principal", name, [], school))
            ctx.principals[school.id] = contacts[-1]
        for title, office, areas in DISTRICT_OFFICES:
            contacts.append(contact(district, spec, 2, next(names), title, office, areas))
        for agency in ctx.spec.agencies:
            contacts.append(contact(district, spec, agency.level, agency.name, agency.title, agency.office, [],
                                    email=agency.email, phone=agency.phone))
        for c in contacts:
            if c.district_id == district.id:
                ctx.rungs.setdefault((district.id, c.ladder_level), []).append(c)
        ctx.answers[district.id] = spec.answers
        calendar = _ma_closures if ctx.spec.state == "MA" else _or_closures
        first = school_year_start(ctx.today).year - 1
        for year in (first, first + 1):
            for name, starts, ends in calendar(year):
                closures.append(DistrictClosure(id=ctx.id(), organization_id=org, district_id=district.id,
                                                name=name, starts_on=starts, ends_on=ends))
        ctx.calendars[district.id] = SchoolCalendar([Closure(c.starts_on, c.ends_on) for c in closures
                                                     if c.district_id == district.id])
    return districts, schools, contacts, closures


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (0 = Monday) of the month; n = -1 for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _weekday_holiday(name: str, day: date) -> list[tuple[str, date, date]]:
    return [(name, day, day)] if day.weekday() < 5 else []


def _common_closures(y: int) -> list[tuple[str, date, date]]:
    """Holidays both states observe, in the school year that starts in September of `y`."""
    n = y + 1
    return [
        ("Labor Day", _nth_weekday(y, 9, 0, 1), _nth_weekday(y, 9, 0, 1)),
        *_weekday_holiday("Veterans Day", date(y, 11, 11)),
        ("Martin Luther King Jr. Day", _nth_weekday(n, 1, 0, 3), _nth_weekday(n, 1, 0, 3)),
        ("Memorial Day", _nth_weekday(n, 5, 0, -1), _nth_weekday(n, 5, 0, -1)),
        *_weekday_holiday("Juneteenth", date(n, 6, 19)),
    ]


def _ma_closures(y: int) -> list[tuple[str, date, date]]:
    n = y + 1
    thanksgiving = _nth_weekday(y, 11, 3, 4)
    presidents, patriots = _nth_weekday(n, 2, 0, 3), _nth_weekday(n, 4, 0, 3)
    return sorted(_common_closures(y) + [
        ("Indigenous Peoples' Day", _nth_weekday(y, 10, 0, 2), _nth_weekday(y, 10, 0, 2)),
        ("Thanksgiving recess", thanksgiving, thanksgiving + timedelta(days=1)),
        ("Winter recess", date(y, 12, 24), date(n, 1, 1)),
        ("February vacation", presidents, presidents + timedelta(days=4)),
        ("April vacation", patriots, patriots + timedelta(days=4)),
        ("Summer vacation", date(n, 6, 23), date(n, 8, 31)),
    ], key=lambda c: c[1])


def _or_closures(y: int) -> list[tuple[str, date, date]]:
    n = y + 1
    thanksgiving = _nth_weekday(y, 11, 3, 4)
    spring = _nth_weekday(n, 3, 0, -1)
    if spring.day > 27:  # the last full week of March
        spring -= timedelta(days=7)
    return sorted(_common_closures(y) + [
        ("Thanksgiving break", thanksgiving - timedelta(days=1), thanksgiving + timedelta(days=1)),
        ("Winter break", date(y, 12, 22), date(n, 1, 2)),
        ("Presidents' Day", _nth_weekday(n, 2, 0, 3), _nth_weekday(n, 2, 0, 3)),
        ("Spring break", spring, spring + timedelta(days=4)),
        ("Summer break", date(n, 6, 13), date(n, 8, 31)),
    ], key=lambda c: c[1])


# ---------------------------------------------------------------- families


@dataclass
class _Household:
    family: Family
    language: str
    guardian: str                     # the first guardian's first name, for timeline notes
    first_day: date                   # first contact with the organization
    students: list[Student]
    consents: list[Consent]
    chapter: str


def _family(ctx: _Ctx, chapter: ChapterSpec) -> _Household:
    rng = ctx.rng
    lang = _weighted(rng, chapter.languages)
    names = NAMES[lang]
    surname = rng.choice(names.surnames)
    first_day = _first_contact(ctx)
    created = ctx.at(first_day)
    advocate = ctx.advocates[chapter.name]
    area_code = {"MA": ("617", "857", "978", "413"), "OR": ("503", "971")}[ctx.spec.state]

    guardians = []
    for i in range(1 if rng.random() < 0.6 else 2):
        if i == 0:
            relationship = _weighted(rng, RELATIONSHIPS)
        else:
            relationship = "mother" if guardians[0]["relationship"] == "father" else _weighted(
                rng, {"father": 70, "stepfather": 15, "grandmother": 15})
        given = rng.choice(names.men if relationship in ("father", "stepfather") else names.women)
        phone = f"+1 {rng.choice(area_code)} 555 {rng.randint(100, 199):04d}"
        email = (f"{_ascii(given).split()[0]}.{_ascii(surname).replace(' ', '')}{rng.randint(1, 99)}@example.com"
                 if rng.random() < 0.4 else None)
        guardians.append({"name": f"{given} {surname}", "relationship": relationship, "phone": phone,
                          "email": email, "language": lang if i == 0 or rng.random() < 0.6 else "en"})

    interpreter = lang != "en" and rng.random() < 0.8
    family = Family(
        id=ctx.id(), organization_id=ctx.org_id, chapter_id=ctx.chapter_ids[chapter.name],
        display_name=f"{surname} family", guardians=guardians, phone=guardians[0]["phone"],
        email=guardians[0]["email"], address_area=rng.choice(chapter.areas), preferred_language=lang,
        interpreter_needed=interpreter, contact_channels=_channels(rng, lang),
        contact_notes=rng.choice(CONTACT_NOTES) if rng.random() < 0.3 else None,
        created_by_id=advocate, created_at=created, updated_at=created)

    schools = ctx.schools[chapter.name]
    race = list(rng.choice(RACE_ETHNICITY[lang])) if rng.random() < 0.7 else None   # self-reported, optional
    students, taken = [], set()
    for _ in range(_weighted(rng, {1: 55, 2: 33, 3: 12})):
        girl = rng.random() < 0.5
        first_name = rng.choice([n for n in (names.girls if girl else names.boys) if n not in taken])
        taken.add(first_name)
        school = rng.choice(schools)
        students.append(Student(
            id=ctx.id(), organization_id=ctx.org_id, family_id=family.id, first_name=first_name,
            last_name=surname, school_id=school.id, grade=rng.choice(_grades(school.level)),
            special_education=_weighted(rng, SPECIAL_EDUCATION), english_learner=_english_learner(rng, lang),
            race_ethnicity=race,
            gender=_weighted(rng, {("Female" if girl else "Male"): 85, "Nonbinary": 2, None: 13}),
            created_at=created, updated_at=created))

    household = _Household(family=family, language=lang, guardian=guardians[0]["name"][:-len(surname) - 1],
                           first_day=first_day, students=students, consents=[], chapter=chapter.name)
    household.consents = _consents(ctx, household, schools[0].district_id, advocate)
    return household


def _first_contact(ctx: _Ctx) -> date:
    """A weekday in the previous or (a bit more than its share) the current school year."""
    current = school_year_start(ctx.today)
    if ctx.rng.random() < 0.35:
        return _pick_day(ctx.rng, current, ctx.today)
    return _pick_day(ctx.rng, current.replace(year=current.year - 1), current - timedelta(days=1))


def _channels(rng: random.Random, lang: str) -> list[str]:
    weights = {"PHONE": 30, "SMS": 30, "EMAIL": 12, "IN_PERSON": 5, "MAIL": 3,
               "WHATSAPP": 35 if lang in ("es", "pt", "ht", "kea", "ar", "so") else 6}
    out = []
    for _ in range(_weighted(rng, {1: 35, 2: 45, 3: 20})):
        choice = _weighted(rng, {k: w for k, w in weights.items() if k not in out})
        out.append(choice)
    return out


def _english_learner(rng: random.Random, lang: str) -> EnglishLearnerStatus:
    if lang == "en":
        return _weighted(rng, {EnglishLearnerStatus.NOT_EL: 85, EnglishLearnerStatus.UNKNOWN: 15})
    return _weighted(rng, {EnglishLearnerStatus.EL: 45, EnglishLearnerStatus.FORMER_EL: 20,
                           EnglishLearnerStatus.NOT_EL: 20, EnglishLearnerStatus.UNKNOWN: 15})


def _grades(level: str) -> tuple[str, ...]:
    low, _, high = level.partition("-")
    return GRADES[GRADES.index(low):GRADES.index(high) + 1]


def _consents(ctx: _Ctx, h: _Household, district_id: uuid.UUID, advocate: uuid.UUID) -> list[Consent]:
    """Most families sign a release to share with the district; a few revoke it; some never sign."""
    rng, out = ctx.rng, []
    signed_on = min(h.first_day + timedelta(days=rng.randint(0, 7)), ctx.today)
    recorded_at = ctx.at(signed_on)
    roll = rng.random()
    if roll < 0.85:
        # A quarter are valid for a year (so a few signed early last year have lapsed).
        expires_on = signed_on + timedelta(days=365) if rng.random() < 0.25 else None
        consent = Consent(
            id=ctx.id(), organization_id=ctx.org_id, family_id=h.family.id, kind=ConsentKind.SHARE_WITH_DISTRICT,
            method=_weighted(rng, {ConsentMethod.WRITTEN: 40, ConsentMethod.ELECTRONIC: 40,
                                   ConsentMethod.VERBAL: 20}),
            signed_on=signed_on, expires_on=expires_on, recipient=f"{ctx.district_names[district_id]} and its schools",
            purpose="Advocacy with the school and district about the family's concerns.",
            records="Attendance, discipline, special education (evaluations, IEP, 504) and English-learner records.",
            recorded_by_id=advocate, recorded_at=recorded_at)
        if roll > 0.77 and signed_on < ctx.today:  # revoked later
            revoked_on = signed_on + timedelta(days=rng.randint(1, max(1, (ctx.today - signed_on).days)))
            consent.revoked_at = max(ctx.at(revoked_on), recorded_at)
            consent.revoked_by_id = advocate
            consent.revocation_method = _weighted(rng, {ConsentMethod.VERBAL: 60, ConsentMethod.WRITTEN: 40})
            consent.revocation_reason = rng.choice((
                "The family no longer wants records shared with the school.",
                "The family moved out of the district.",
                "Worried about how the school would use the records."))
        out.append(consent)
    if rng.random() < 0.25:
        out.append(Consent(id=ctx.id(), organization_id=ctx.org_id, family_id=h.family.id,
                           kind=ConsentKind.SHARE_STORY, method=ConsentMethod.WRITTEN, signed_on=signed_on,
                           purpose="A de-identified story may be used in campaign materials.",
                           recorded_by_id=advocate, recorded_at=recorded_at))
    if rng.random() < 0.03:
        out.append(Consent(id=ctx.id(), organization_id=ctx.org_id, family_id=h.family.id,
                           kind=ConsentKind.AGGREGATE_OPT_OUT, method=ConsentMethod.VERBAL, signed_on=signed_on,
                           recorded_by_id=advocate, recorded_at=recorded_at))
    return out


# ---------------------------------------------------------------- cases


def _cases(ctx: _Ctx, households: list[_Household]):
    """Every family has a case; the rest go to families at random, opened after their first contact."""
    rng = ctx.rng
    plan = [(h, True) for h in households]
    plan += [(rng.choice(households), False) for _ in range(ctx.spec.cases - len(households))]
    cases, assignees, events = [], [], []
    for h, first in plan:
        opened_on = h.first_day if first else _pick_day(rng, h.first_day, ctx.today)
        case, people, timeline = _case(ctx, h, opened_on)
        cases.append(case)
        assignees += people
        events += timeline
    for ladder in ctx.ladders:
        ctx.escalations += ladder.sent
    _fresh_escalations(ctx, events)
    _pending_deadlines(ctx, events)
    return cases, assignees, events


def _case(ctx: _Ctx, h: _Household, opened_on: date):
    rng, today = ctx.rng, ctx.today
    student = rng.choice(h.students) if rng.random() < 0.92 else None
    category, subcategory = _issue(rng, h, student)
    school = next((x for x in ctx.schools[h.chapter] if student and x.id == student.school_id), None)
    district_id = school.district_id if school else ctx.district_of_chapter[h.chapter]
    age = (today - opened_on).days

    # Who: the chapter's advocate opens most cases (the admin answers the statewide line); a few are covered
    # by the advocate of another chapter, and the admin joins some.
    advocate = ctx.advocates[h.chapter]
    opener = advocate if rng.random() < 0.85 else ctx.admin_id
    assigned = [advocate]
    others = [u for c, u in ctx.advocates.items() if c != h.chapter]
    if others and rng.random() < 0.04:
        assigned = [rng.choice(others)]
    if rng.random() < 0.1:
        assigned.append(ctx.admin_id)

    # What happened: a path through the workflow to a status that fits the case's age.
    status = _weighted(rng, next(w for limit, w in STATUS_BY_AGE if age < limit))
    path = [CaseStatus(x) for x in _weighted(rng, {p: w for w, p in PATHS[status]})]
    steps = []
    for step in path:
        outcome = None
        if step is CaseStatus.RESOLVED:
            outcome = _weighted(rng, OUTCOMES)
        steps.append((step, outcome))

    # When: finished cases took days to months; active ones saw activity recently.
    if CaseStatus(status) in ACTIVE:
        last_day = max(opened_on, today - timedelta(days=rng.randint(0, min(21, age))))
    else:
        last_day = opened_on + timedelta(days=rng.randint(min(age, 5), min(age, 160)))

    priority = _weighted(rng, {CasePriority.LOW: 15, CasePriority.NORMAL: 55, CasePriority.HIGH: 22,
                               CasePriority.URGENT: 8})
    if subcategory in URGENT_SUBCATEGORIES and priority in (CasePriority.LOW, CasePriority.NORMAL):
        priority = CasePriority.HIGH if rng.random() < 0.6 else CasePriority.URGENT
    issue = ISSUES[subcategory]
    kid = student.first_name if student else "the children"
    where = school.name if school else ctx.district_names[district_id]
    narrative = " ".join((
        f"{h.guardian} contacted the {h.chapter} chapter about {kid}"
        + (f" (grade {student.grade}, {where})." if student and student.grade else f" ({where})."),
        rng.choice(issue.happened).format(kid=kid),
        f"The family wants {rng.choice(issue.wants)}."))
    tags = set(rng.sample(issue.tags, k=min(len(issue.tags), _weighted(rng, {0: 25, 1: 50, 2: 25}))))
    if student and student.special_education in (SpecialEducationStatus.IEP, SpecialEducationStatus.PLAN_504):
        if category == "DISCIPLINE":
            tags.add("students-with-disabilities")
    else:
        tags.discard("mdr")  # manifestation determinations are for students with disabilities
    if rng.random() < 0.06:
        tags.add(rng.choice(ORG_TAGS))

    case = Case(
        id=ctx.id(), organization_id=ctx.org_id, chapter_id=h.family.chapter_id, family_id=h.family.id,
        student_id=student.id if student else None, school_id=school.id if school else None,
        district_id=district_id, category=category, subcategory=subcategory,
        title=rng.choice(issue.titles), narrative=narrative, priority=priority,
        priority_rank=PRIORITY_RANK[priority], status=CaseStatus.INTAKE, opened_on=opened_on,
        incident_on=opened_on - timedelta(days=rng.randint(0, 14)) if rng.random() < 0.8 else None,
        tags=sorted(tags), created_by_id=opener)
    events = _timeline(ctx, h, case, steps, opener, assigned, last_day, school, student)
    people = {opener, *assigned}
    deadlines = _deadlines(ctx, case, student, events, assigned[0], people)
    _escalations(ctx, h, case, student, events, deadlines, people)
    events.sort(key=lambda e: e.occurred_at)   # stable: "Case opened" stays first
    for before, e in zip(events, events[1:]):  # entries at the same moment: written down in this order
        if e.occurred_at == before.occurred_at:
            e.created_at = max(e.created_at, before.created_at + timedelta(microseconds=1))
    case.created_at = events[0].occurred_at
    case.updated_at = events[-1].occurred_at
    if case.status in ACTIVE:
        roll = rng.random()
        if roll < 0.22:
            # overdue, but never due before the case was opened
            case.next_action_due_on = max(case.opened_on, today - timedelta(days=rng.randint(1, 25)))
        elif roll < 0.82:
            case.next_action_due_on = today + timedelta(days=rng.randint(1, 21))
    if case.status is CaseStatus.CLOSED and case.outcome is None:
        case.outcome_notes = CLOSED_WITHOUT_RESOLUTION
    elif case.outcome is not None:
        case.outcome_notes = OUTCOME_NOTES[case.outcome]
    joined = next((e.occurred_at for e in events if e.kind is CaseEventKind.ASSIGNMENT), case.created_at)
    people = [CaseAssignee(organization_id=ctx.org_id, case_id=case.id, user_id=u,
                           assigned_at=case.created_at if i == 0 else joined) for i, u in enumerate(assigned)]
    return case, people, events


def _issue(rng: random.Random, h: _Household, student: Student | None) -> tuple[str, str]:
    """A category and subcategory that fit the student (IEP, 504, English learner) and the family's language."""
    speaks_english = h.language == "en"
    if student is None:
        return rng.choice([x for x in FAMILY_LEVEL if not (speaks_english and x[0] == "LANGUAGE_ACCESS")])
    sped = student.special_education
    learner = student.english_learner in (EnglishLearnerStatus.EL, EnglishLearnerStatus.FORMER_EL)
    weights = dict(CATEGORY_WEIGHTS)
    if sped in (SpecialEducationStatus.IEP, SpecialEducationStatus.PLAN_504,
                SpecialEducationStatus.EVALUATION_REQUESTED):
        weights["SPECIAL_EDUCATION"] *= 2
    if speaks_english and not learner:
        weights["LANGUAGE_ACCESS"] = 0
    elif h.family.interpreter_needed or student.english_learner is EnglishLearnerStatus.EL:
        weights["LANGUAGE_ACCESS"] *= 2
    category = _weighted(rng, weights)
    subcategories = list(TAXONOMY[category][1])
    if category == "SPECIAL_EDUCATION":
        if sped is SpecialEducationStatus.PLAN_504:
            return category, "PLAN_504"
        subcategories = ([x for x in subcategories if x != "PLAN_504"] if sped is SpecialEducationStatus.IEP
                         else ["EVALUATION_REQUEST_DELAY", "ELIGIBILITY", "SPECIAL_EDUCATION_OTHER"])
    elif category == "LANGUAGE_ACCESS":
        subcategories = [x for x in subcategories
                         if (learner if x == "ENGLISH_LEARNER_SERVICES" else not speaks_english)]
    elif category == "TRANSPORTATION" and sped is not SpecialEducationStatus.IEP:
        subcategories.remove("SPECIALIZED_TRANSPORTATION")
    return category, rng.choice(subcategories)


def _timeline(ctx: _Ctx, h: _Household, case: Case, steps: list[tuple[CaseStatus, CaseOutcome | None]],
              opener: uuid.UUID, assigned: list[uuid.UUID], last_day: date, school: School | None,
              student: Student | None) -> list[CaseEvent]:
    """The append-only timeline: opened, intake, activity and the status changes of `steps`.

    The case's status, outcome and key dates are set from the steps exactly as the workflow would.
    """
    rng = ctx.rng
    # The order of things: (kind, payload). Status changes are checked against the workflow.
    plan: list[tuple[CaseEventKind, object]] = [(CaseEventKind.NOTE, "intake")]
    for step in steps:
        for _ in range(rng.randint(1 if step[0] in (CaseStatus.ESCALATED, CaseStatus.RESOLVED) else 0, 2)):
            plan.append((_weighted(rng, ACTIVITY_KINDS), None))
        plan.append((CaseEventKind.STATUS_CHANGE, step))
    if not steps or steps[-1][0] in ACTIVE:
        plan += [(_weighted(rng, ACTIVITY_KINDS), None) for _ in range(rng.randint(0, 2))]
    if len(assigned) > 1:
        plan.insert(rng.randint(1, len(plan)), (CaseEventKind.ASSIGNMENT, None))

    opened_at = ctx.at(case.opened_on)
    moments = sorted(max(ctx.at(_pick_day(rng, case.opened_on, last_day)), opened_at + timedelta(minutes=5 * i))
                     for i in range(1, len(plan) + 1))
    # What would fall after "now" happened just now, in order: never two entries at the same moment.
    step, limit = min(timedelta(minutes=1), (ctx.now - opened_at) / (len(plan) + 1)), ctx.now
    for i in reversed(range(len(moments))):
        moments[i] = limit = min(moments[i], limit)
        limit -= step
    language = LANGUAGES[h.language]
    interp = (f" (with a{'n' if language[0] in 'AEIOU' else ''} {language} interpreter)"
              if h.family.interpreter_needed else "")
    words = {"guardian": h.guardian, "interp": interp, "school": school.name if school else "the school",
             "kid": student.first_name if student else "the children"}

    def event(kind: CaseEventKind, at: datetime, body: str, data: dict | None = None,
              author: uuid.UUID | None = None) -> CaseEvent:
        return CaseEvent(id=ctx.id(), organization_id=ctx.org_id, case_id=case.id, kind=kind, body=body,
                         occurred_at=at, created_at=at, data=data or {}, author_id=author or assigned[0])

    events = [event(CaseEventKind.STATUS_CHANGE, opened_at, "Case opened", {"to": CaseStatus.INTAKE.value},
                    opener)]
    for (kind, payload), at in zip(plan, moments):
        if payload == "intake":
            channel = (h.family.contact_channels or ["PHONE"])[0]
            events.append(event(CaseEventKind.CALL if channel == "PHONE" else kind, at,
                                f"Intake: {h.guardian} reached us {INTAKE_CHANNELS[channel]}{interp}. Went over "
                                f"what happened at {words['school']} and what the family wants.", author=opener))
        elif kind is CaseEventKind.ASSIGNMENT:
            events.append(event(kind, at, "Assignees changed", {"assignees": [str(u) for u in assigned]},
                                ctx.admin_id))
        elif kind is CaseEventKind.STATUS_CHANGE:
            to, outcome = payload
            previous = case.status
            check_transition(previous, to, outcome, by_hand=False)  # a move to ESCALATED: escalations below
            case.status = to
            on = min(max(ctx.local_day(at), case.opened_on), ctx.today)
            if to is CaseStatus.RESOLVED:
                case.outcome, case.resolved_on = outcome, on
            elif to is CaseStatus.CLOSED:
                case.closed_on = on
            elif is_reopen(previous, to):
                case.outcome = case.resolved_on = case.closed_on = None
            data = {"from": previous.value, "to": to.value}
            if outcome:
                data["outcome"] = outcome.value
            if is_reopen(previous, to):
                body = "Case reopened: the school did not do what it agreed to."
            elif to is CaseStatus.RESOLVED:
                body = OUTCOME_NOTES[outcome]
            elif (previous.value, to.value) in STATUS_NOTES and rng.random() < 0.7:
                body = rng.choice(STATUS_NOTES[previous.value, to.value])
            else:
                body = f"Status: {previous.value} → {to.value}"
            events.append(event(kind, at, body, data))
        else:
            events.append(event(kind, at, rng.choice(ACTIVITIES[kind]).format(**words)))
    return events


# ---------------------------------------------------------------- statutory deadlines


@dataclass
class _Milestones:
    """What was recorded on one case: its deadlines and the milestone entries, in order."""

    case: Case
    people: set[uuid.UUID]
    deadlines: list[CaseDeadline]
    recorded: list[tuple[Milestone, CaseEvent]]


def _deadlines(ctx: _Ctx, case: Case, student: Student | None, events: list[CaseEvent],
               author: uuid.UUID, people: set[uuid.UUID]) -> list[CaseDeadline]:
    """Milestones on evaluation cases (consent to evaluate, evaluation, proposed IEP) and on discipline cases of
    students with disabilities (change of placement, manifestation determination), with the deadlines they
    start and meet, as `record_milestone` writes them. On a finished case every deadline was kept, on time or
    late, before it was resolved; missed ones are on active cases."""
    if student is None:
        return []
    rng = ctx.rng
    active = case.status in ACTIVE     # advocates keep the timelines of their live cases up to date
    disability = student.special_education in (SpecialEducationStatus.IEP, SpecialEducationStatus.PLAN_504)
    if case.category == "SPECIAL_EDUCATION" and case.subcategory in EVALUATION_SUBCATEGORIES and not disability:
        if rng.random() >= (0.9 if active else 0.7):
            return []
        trigger_milestone = Milestone.EVALUATION_CONSENT_SIGNED
        trigger = case.opened_on + timedelta(days=rng.randint(-40, 12) if case.subcategory ==
                                             "EVALUATION_REQUEST_DELAY" else -rng.randint(25, 80))
    elif case.category == "DISCIPLINE" and disability and case.subcategory in MDR_SUBCATEGORIES:
        if rng.random() >= (0.85 if active else 0.6):
            return []
        trigger_milestone = Milestone.PLACEMENT_CHANGE_DECIDED
        trigger = case.incident_on or case.opened_on - timedelta(days=rng.randint(0, 6))
    else:
        return []

    finished = None if active else next(e for e in events if e.kind is CaseEventKind.STATUS_CHANGE
                                        and e.data.get("to") in (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value))
    end_at = finished.occurred_at if finished else ctx.now
    last_day = min(ctx.local_day(end_at), ctx.today)
    cal = ctx.calendars[case.district_id]
    trigger = max(trigger, ctx.earliest)
    while not cal.is_school_day(trigger):    # things happen at school on school days
        trigger -= timedelta(days=1)
    if trigger < ctx.earliest or trigger > last_day:
        return []

    def kept(start: date, due: date, weights: dict, after: date) -> date | None:
        """When the school did it (on time, late or not yet); on a finished case it did, before the end
        (so "not yet" there means at the very end)."""
        window = cal.school_days_between(start, due)
        how = _weighted(rng, weights)
        day = None
        if how == "on time":
            day = cal.add_school_days(start, rng.randint(max(1, window * 2 // 3), window))
        elif how == "late":
            day = cal.add_school_days(start, window + rng.randint(2, max(4, window // 2)))
        if day is not None and day > last_day:
            day = None
        if day is None and not active:
            day = last_day
            while day > after and not cal.is_school_day(day):
                day -= timedelta(days=1)
        return max(day, after) if day is not None else None

    happened: list[tuple[Milestone, date]] = [(trigger_milestone, trigger)]
    rows: list[CaseDeadline] = []
    by_met: dict[Milestone, CaseDeadline] = {}     # each rule is met by one milestone
    for d in deadlines_started(ctx.spec.deadline_profile, trigger_milestone, trigger, cal):
        rows.append(CaseDeadline(
            id=ctx.id(), organization_id=ctx.org_id, case_id=case.id, rule_code=d.rule.code, label=d.rule.label,
            citation=d.rule.citation, milestone=trigger_milestone.value, trigger_on=d.trigger_on, due_on=d.due_on,
            created_by_id=author))
        by_met[d.rule.met_by] = rows[-1]
    if trigger_milestone is Milestone.EVALUATION_CONSENT_SIGNED:
        evaluation = by_met[Milestone.EVALUATION_COMPLETED]
        done = kept(trigger, evaluation.due_on, {"on time": 35, "late": 25, "not yet": 40} if active
                    else {"on time": 55, "late": 30, "not yet": 15}, trigger)
        if done is not None:
            happened.append((Milestone.EVALUATION_COMPLETED, done))
            iep = by_met.get(Milestone.IEP_PROPOSED)
            if iep is not None:
                proposed = kept(trigger, iep.due_on, {"on time": 55, "late": 30, "not yet": 15}, done)
                if proposed is not None:
                    happened.append((Milestone.IEP_PROPOSED, proposed))
    else:
        mdr = by_met[Milestone.MANIFESTATION_DETERMINATION_HELD]
        held = kept(trigger, mdr.due_on, {"on time": 40, "late": 15, "not held": 45} if active
                    else {"on time": 55, "late": 30, "not held": 15}, trigger)
        if held is not None:
            happened.append((Milestone.MANIFESTATION_DETERMINATION_HELD, held))

    # The timeline: each milestone recorded on the day or a little later, in order, before the case ended.
    record = _Milestones(case, people, rows, [])
    previous = events[0].occurred_at
    for milestone, on in happened:
        recorded = min(max(on, case.opened_on) + timedelta(days=rng.randint(0, 2)), last_day)
        at = max(ctx.at(recorded), previous + timedelta(minutes=rng.randint(5, 60)))
        if at >= end_at:
            at = previous + (end_at - previous) / 2
        previous = at
        started = [r for r in rows if r.milestone == milestone.value]
        met = [r for m, r in by_met.items() if m is milestone and r.met_on is None and r.trigger_on <= on]
        for r in met:
            r.met_on = on
        for r in started:
            r.created_at = at
        body = MILESTONE_LABELS[milestone]
        if rng.random() < 0.4:
            body += f". {rng.choice(MILESTONE_NOTES[milestone])}"
        events.append(CaseEvent(
            id=ctx.id(), organization_id=ctx.org_id, case_id=case.id, kind=CaseEventKind.MILESTONE, body=body,
            occurred_at=at, created_at=at, author_id=author,
            data={"milestone": milestone.value, "occurredOn": on.isoformat(),
                  "started": [r.rule_code for r in started], "met": [r.rule_code for r in met]}))
        record.recorded.append((milestone, events[-1]))
    ctx.deadlines += rows
    ctx.milestones.append(record)
    return rows


def _pending_deadlines(ctx: _Ctx, events: list[CaseEvent]) -> None:
    """Every chapter advocate has a statutory deadline to watch on their dashboard: when none of theirs is
    pending, the last milestone on one of their live cases has not happened after all."""
    rng = ctx.rng
    for advocate in ctx.advocates.values():
        mine = [m for m in ctx.milestones if advocate in m.people]
        if any(d.met_on is None for m in mine for d in m.deadlines):
            continue
        live = [m for m in mine if m.case.status in ACTIVE and len(m.recorded) > 1]
        if live:
            m = rng.choice(live)
            milestone, event = m.recorded.pop()
            events.remove(event)
            for d in m.deadlines:
                if d.rule_code in event.data["met"]:
                    d.met_on = None


# ---------------------------------------------------------------- escalations


OPEN_ESCALATION = (EscalationStatus.SENT, EscalationStatus.ACKNOWLEDGED)


@dataclass
class _Ladder:
    """One case on its way up the escalation ladder."""

    case: Case
    household: _Household
    people: set[uuid.UUID]          # who opened it or is assigned: whose dashboard shows it
    author: uuid.UUID
    principal: DistrictContact | None
    top: int                        # the highest rung that fits the issue (4: a federal civil-rights office)
    summary: str
    remedy: str
    deadlines: list[CaseDeadline]
    sent: list[Escalation] = field(default_factory=list)


@dataclass
class _Open:
    """An OPEN case that its advocate could still escalate."""

    case: Case
    household: _Household
    student: Student | None
    deadlines: list[CaseDeadline]
    people: set[uuid.UUID]
    author: uuid.UUID
    since: datetime                 # when it became OPEN: an escalation would come after that


def _new_ladder(ctx: _Ctx, h: _Household, case: Case, student: Student | None, deadlines: list[CaseDeadline],
                people: set[uuid.UUID], author: uuid.UUID) -> _Ladder:
    rng = ctx.rng
    disability = student is not None and student.special_education in (
        SpecialEducationStatus.IEP, SpecialEducationStatus.PLAN_504)
    federal = (case.category == "LANGUAGE_ACCESS" or case.subcategory in ("HARASSMENT_DISCRIMINATION", "PLAN_504")
               or (disability and case.category in ("DISCIPLINE", "SPECIAL_EDUCATION")))
    texts = MDR_TEXT if disability and case.category == "DISCIPLINE" else ESCALATION_TEXT[case.subcategory]
    who = _who(student)
    words = {"who": who, "Who": who[0].upper() + who[1:], "days": rng.randint(3, 12),
             "absences": rng.randint(18, 40), "service": rng.choice(SERVICES)}
    return _Ladder(case=case, household=h, people=people, author=author,
                   principal=ctx.principals.get(case.school_id) if case.school_id else None, top=4 if federal else 3,
                   summary=rng.choice(texts[0]).format(**words), remedy=rng.choice(texts[1]), deadlines=deadlines)


def _escalations(ctx: _Ctx, h: _Household, case: Case, student: Student | None, events: list[CaseEvent],
                 deadlines: list[CaseDeadline], people: set[uuid.UUID]) -> None:
    """The escalations behind the case's ESCALATED status, as `escalate_case` and the answers record them.

    The timeline's move to ESCALATED becomes the first escalation (to the principal, or to the district office
    when there is no school); while the case stays escalated it may go up the ladder when an answer is late or
    does not resolve it. Answers follow the district's habits; an escalation still open when the case is
    resolved is closed then. Only with a release to share with the district active on the day it is sent.
    """
    start = next((e for e in events if e.kind is CaseEventKind.STATUS_CHANGE
                  and e.data.get("to") == CaseStatus.ESCALATED.value), None)
    if start is None:
        if case.status is CaseStatus.OPEN:
            became_open = [e for e in events if e.kind is CaseEventKind.STATUS_CHANGE][-1]
            ctx.open_cases.append(_Open(case, h, student, deadlines, people, became_open.author_id,
                                        became_open.occurred_at))
        return
    rng = ctx.rng
    after = next((e for e in events if e.kind is CaseEventKind.STATUS_CHANGE and e.occurred_at > start.occurred_at),
                 None)
    end_at = after.occurred_at if after else ctx.now    # the next status change ends this stretch
    resolved = after is not None and after.data.get("to") == CaseStatus.RESOLVED.value
    answers_until = end_at if resolved else ctx.now     # on hold "while the district investigates": it may answer
    cal = ctx.calendars[case.district_id]
    ladder = _new_ladder(ctx, h, case, student, deadlines, people, start.author_id)
    resolved_well = any(e.data.get("outcome") in (CaseOutcome.REMEDY_ACHIEVED.value, CaseOutcome.PARTIAL_REMEDY.value)
                        for e in events if e.kind is CaseEventKind.STATUS_CHANGE)

    level = 1 if ladder.principal is not None and rng.random() < 0.85 else 2
    sent_at = start.occurred_at
    while True:
        esc = _send(ctx, ladder, level, sent_at, events, start)
        if esc is None:
            break
        window, due = esc.response_window_school_days, esc.response_due_on
        # The answer: within the window, late or never, as this district (or agency) tends to.
        how = _weighted(rng, dict(zip(("on time", "late", "never"),
                                      AGENCY_ANSWERS.get(level) or ctx.answers[case.district_id])))
        answer_on = answer_at = None
        if how != "never":
            days = (rng.randint(max(1, window // 4), window) if how == "on time"
                    else window + rng.randint(1, max(3, window // 2)))
            answer_on = cal.add_school_days(esc.sent_on, days)
            answer_at = ctx.moment(answer_on, sent_at)
            if resolved and how == "on time" and (answer_at is None or answer_at >= end_at):
                # The case was resolved first: the answer came then, and is what resolved it.
                answer_on = ctx.day_of(end_at, case.opened_on)
                while answer_on > esc.sent_on and not cal.is_school_day(answer_on):
                    answer_on -= timedelta(days=1)
                answer_at = ctx.moment(answer_on, sent_at)
                if answer_at is not None and answer_at >= end_at:
                    answer_at = end_at - timedelta(minutes=rng.randint(5, 30))
                if answer_on <= esc.sent_on or answer_at is None or answer_at <= sent_at:
                    answer_on = answer_at = None
            elif answer_at is None or answer_at >= answers_until:     # a late answer that never came
                answer_on = answer_at = None
        # Up a rung: no answer within the window, or an answer that did not resolve it.
        next_at = None
        if len(ladder.sent) < MAX_ESCALATIONS and level < ladder.top and rng.random() < (
                UP_AFTER_ANSWER if answer_at else UP_WITHOUT_ANSWER)[level]:
            next_on = cal.add_school_days(answer_on or due, rng.randint(1, 8))
            next_at = ctx.moment(next_on, answer_at or sent_at)
            if next_at is not None and next_at >= end_at:
                next_at = None
        if rng.random() < 0.45:
            ack_on = cal.add_school_days(esc.sent_on, rng.randint(1, 2))
            ack_at = ctx.moment(ack_on, sent_at)
            if ack_at and all(ack_at < x for x in (answer_at, next_at, end_at) if x) and not (
                    answer_on and ack_on >= answer_on):
                _acknowledge(ctx, ladder, esc, ack_at, events)
        if answer_at is not None:
            _answer(ctx, ladder, esc, answer_on, answer_at, next_at is None and resolved_well, events)
        if next_at is None:
            break
        # A civil-rights issue may go from the district straight to the federal office.
        level = 4 if ladder.top == 4 and level == 2 and rng.random() < 0.5 else level + 1
        sent_at = next_at

    if not ladder.sent:       # no release on file: the status moved, but nothing was sent by us
        start.body = NO_RELEASE
        return
    last = ladder.sent[-1]
    if resolved and (last.status in OPEN_ESCALATION
                     or (last.status is EscalationStatus.RESPONDED and rng.random() < 0.4)):
        at = end_at - timedelta(minutes=rng.randint(2, 30))
        if at > last.updated_at:
            last.status, last.closed_at, last.updated_at = EscalationStatus.CLOSED, at, at
            _event(ctx, ladder, at, CaseEventKind.RESPONSE,
                   rng.choice(CLOSE_NOTES + (f"Escalation to {last.level_name} closed.",)),
                   {"escalationId": str(last.id), "status": last.status.value}, events)
    ctx.ladders.append(ladder)


def _send(ctx: _Ctx, ladder: _Ladder, level: int, sent_at: datetime, events: list[CaseEvent],
          start: CaseEvent | None = None, sent_on: date | None = None) -> Escalation | None:
    """Escalate to a contact at `level` (closing the open escalation below), if the family's release allows.

    `start`, the timeline's move to ESCALATED, becomes the first escalation's entry; otherwise one is added.
    """
    rng, case = ctx.rng, ladder.case
    sent_on = sent_on or ctx.day_of(sent_at, case.opened_on)
    if not _release(ctx, ladder.household, case, sent_on, sent_at, ladder.author):
        return None
    contact = ladder.principal if level == 1 else _rung_contact(ctx, case, level)
    name, window = ctx.ladder[level]
    due = ctx.calendars[contact.district_id].add_school_days(sent_on, window)
    channel = _weighted(rng, CHANNELS if level <= 2 else AGENCY_CHANNELS)
    prev = ladder.sent[-1] if ladder.sent else None
    text = ladder.summary
    if prev is not None:
        below = prev.level_name.lower()
        text = (f"The {below}'s answer of {_day(prev.responded_on)} did not resolve it. " if prev.responded_on
                else f"No answer from the {below} within {prev.response_window_school_days} school days of "
                     f"{_day(prev.sent_on)}. ") + text
    missed = [d for d in ladder.deadlines if d.due_on < sent_on and (d.met_on is None or d.met_on > sent_on)]
    if missed:
        text += f" Statutory deadline passed: {missed[0].label.lower()} ({missed[0].citation}), due " \
                f"{_day(missed[0].due_on)}."
    esc = Escalation(
        id=ctx.id(), organization_id=ctx.org_id, case_id=case.id, district_id=contact.district_id,
        contact_id=contact.id, previous_id=prev.id if prev else None, level=level, level_name=name,
        office=contact.office, channel=channel, summary=text, remedy_requested=ladder.remedy, sent_at=sent_at,
        sent_on=sent_on, response_window_school_days=window, response_due_on=due, status=EscalationStatus.SENT,
        created_by_id=ladder.author, updated_at=sent_at, version=1)
    if prev is not None and prev.status in OPEN_ESCALATION:
        prev.status, prev.closed_at, prev.updated_at = EscalationStatus.CLOSED, sent_at, sent_at
    body = f"Escalated to {contact.name} ({name}) by {channel.value.lower()}; answer due {due.isoformat()}."
    data = {"escalationId": str(esc.id), "level": level, "contactId": str(contact.id),
            "from": (CaseStatus.ESCALATED.value if prev is not None else start.data["from"] if start is not None
                     else case.status.value),
            "to": CaseStatus.ESCALATED.value, "dueOn": due.isoformat()}
    if start is not None and prev is None:
        start.kind, start.body, start.data = CaseEventKind.ESCALATION, body, data
    else:
        _event(ctx, ladder, sent_at, CaseEventKind.ESCALATION, body, data, events)
    ladder.sent.append(esc)
    return esc


def _acknowledge(ctx: _Ctx, ladder: _Ladder, esc: Escalation, at: datetime, events: list[CaseEvent]) -> None:
    esc.status, esc.acknowledged_at, esc.updated_at = EscalationStatus.ACKNOWLEDGED, at, at
    _event(ctx, ladder, at, CaseEventKind.RESPONSE, f"{esc.level_name} acknowledged the escalation.",
           {"escalationId": str(esc.id), "status": esc.status.value}, events)


def _answer(ctx: _Ctx, ladder: _Ladder, esc: Escalation, on: date, at: datetime, good: bool,
            events: list[CaseEvent]) -> None:
    notes = ctx.rng.choice(ANSWERS[esc.level][0 if good else 1])
    esc.status, esc.responded_on, esc.response_notes = EscalationStatus.RESPONDED, on, notes
    esc.response_school_days = ctx.calendars[esc.district_id].school_days_between(esc.sent_on, on)
    esc.acknowledged_at = esc.acknowledged_at or at
    esc.updated_at = at
    late = on > esc.response_due_on
    ctx.answers_given[esc.id] = _event(
        ctx, ladder, at, CaseEventKind.RESPONSE,
        f"{esc.level_name} answered on {on.isoformat()}{' (late)' if late else ''}: {notes}",
        {"escalationId": str(esc.id), "status": esc.status.value, "respondedOn": on.isoformat(),
         "schoolDays": esc.response_school_days, "late": late}, events)


def _event(ctx: _Ctx, ladder: _Ladder, at: datetime, kind: CaseEventKind, body: str, data: dict,
           events: list[CaseEvent]) -> CaseEvent:
    event = CaseEvent(id=ctx.id(), organization_id=ctx.org_id, case_id=ladder.case.id, kind=kind, body=body,
                      occurred_at=at, created_at=at, data=data, author_id=ladder.author)
    events.append(event)
    ladder.case.updated_at = max(ladder.case.updated_at or at, at)
    return event


def _fresh_escalations(ctx: _Ctx, events: list[CaseEvent]) -> None:
    """Give every chapter advocate's dashboard escalations that are overdue and due soon (when school is in
    session), as a working caseload has: recent escalations (a rung up on a case still escalated, or a first
    one on an open case), and answers that never came."""
    rng, today = ctx.rng, ctx.today
    for advocate in ctx.advocates.values():
        mine = [x for x in ctx.ladders if advocate in x.people]
        opened = [e for x in mine for e in x.sent if e.status in OPEN_ESCALATION]
        overdue = sum(e.response_due_on < today for e in opened)
        soon = sum(today <= e.response_due_on <= _due_soon_until(ctx, e.district_id) for e in opened)
        escalated = [x for x in mine if x.case.status is CaseStatus.ESCALATED]
        rng.shuffle(escalated)
        escalated.sort(key=lambda x: x.sent[-1].status in OPEN_ESCALATION)    # answered or closed ones first
        for ladder in escalated:        # a rung up, sent long enough ago to be overdue or recently
            if overdue >= 2 and soon >= 2:
                break
            last = ladder.sent[-1]
            if last.level >= ladder.top or len(ladder.sent) >= MAX_ESCALATIONS or (
                    last.status in OPEN_ESCALATION and (last.response_due_on >= today or overdue <= 2)):
                continue
            esc = _fresh(ctx, ladder, last.level + 1, last.updated_at, soon < 2, overdue < 2, events)
            if esc is not None:
                overdue -= last.status is EscalationStatus.CLOSED and last.closed_at == esc.sent_at
                overdue += esc.response_due_on < today
                soon += esc.response_due_on >= today
        waiting = [x for x in mine if x.case.status is CaseStatus.ON_HOLD]   # "while the district investigates"
        rng.shuffle(waiting)
        for ladder in escalated + waiting:        # an answer that never came
            last = ladder.sent[-1]
            if overdue >= 2:
                break
            if last.status is EscalationStatus.RESPONDED and last.response_due_on < today:
                _unanswer(ctx, last, events)
                overdue += 1
        waiting = [x for x in ctx.open_cases if advocate in x.people and x.case.status is CaseStatus.OPEN]
        rng.shuffle(waiting)
        for x in waiting:               # an open case escalated this week, or a while ago with no answer yet
            if soon >= 2 and overdue >= 2:
                break
            ladder = _new_ladder(ctx, x.household, x.case, x.student, x.deadlines, x.people, x.author)
            level = 1 if ladder.principal is not None else 2
            esc = _fresh(ctx, ladder, level, x.since, soon < 2, overdue < 2, events)
            if esc is not None:
                x.case.status = CaseStatus.ESCALATED
                ctx.ladders.append(ladder)
                overdue += esc.response_due_on < today
                soon += esc.response_due_on >= today


def _fresh(ctx: _Ctx, ladder: _Ladder, level: int, after: datetime, soon: bool, overdue: bool,
           events: list[CaseEvent]) -> Escalation | None:
    """Escalate to `level` on a school day after `after` so that the answer is due soon, or else overdue."""
    today, cal = ctx.today, ctx.calendars[ladder.case.district_id]
    window = ctx.ladder[level][1]
    days = [d for d in (today - timedelta(days=k) for k in range(120))
            if d > ctx.day_of(after, ladder.case.opened_on) and cal.is_school_day(d)]
    until = _due_soon_until(ctx, ladder.case.district_id)
    wanted = [d for d in days if today <= cal.add_school_days(d, window) <= until] if soon else []
    if not wanted and overdue:
        wanted = [d for d in days if cal.add_school_days(d, window) < today]
    sent_on = ctx.rng.choice(wanted) if wanted else None
    sent_at = ctx.moment(sent_on, after) if sent_on else None
    esc = _send(ctx, ladder, level, sent_at, events, sent_on=sent_on) if sent_at else None
    if esc is not None:
        ctx.escalations.append(esc)
    return esc


def _unanswer(ctx: _Ctx, esc: Escalation, events: list[CaseEvent]) -> None:
    """The answer to `esc` never came (after all): it stays open, now past its due date."""
    answer = ctx.answers_given.pop(esc.id)
    events.remove(answer)
    acknowledged = esc.acknowledged_at != answer.occurred_at
    esc.status = EscalationStatus.ACKNOWLEDGED if acknowledged else EscalationStatus.SENT
    esc.acknowledged_at = esc.acknowledged_at if acknowledged else None
    esc.responded_on = esc.response_notes = esc.response_school_days = None
    esc.updated_at = esc.acknowledged_at or esc.sent_at


def _due_soon_until(ctx: _Ctx, district_id: uuid.UUID) -> date:
    """The last due date the dashboard counts as due soon: five school days ahead (within its horizon)."""
    return min(ctx.calendars[district_id].add_school_days(ctx.today, 5), ctx.today + timedelta(days=31))


def _release(ctx: _Ctx, h: _Household, case: Case, day: date, at: datetime, advocate: uuid.UUID) -> bool:
    """Whether the family's release to share with the district is active on `day` (recorded before `at`), as
    escalating requires. A family that never signed one, or whose release lapsed, signs one to escalate; one
    that revoked it (or has not signed yet) is not escalated by us."""
    shares = [c for c in h.consents if c.kind is ConsentKind.SHARE_WITH_DISTRICT]
    if any(_release_active(c, day, at) for c in shares):
        return True
    if any(c.expires_on is None or c.expires_on >= day or c.revoked_at is not None for c in shares):
        return False
    rng = ctx.rng
    earliest = max([case.opened_on] + [c.expires_on + timedelta(days=1) for c in shares])
    if earliest > day:
        return False
    signed_on = earliest + timedelta(days=rng.randint(0, (day - earliest).days))
    recorded_at = min(ctx.at(signed_on), at - timedelta(minutes=rng.randint(5, 60)))
    consent = Consent(
        id=ctx.id(), organization_id=ctx.org_id, family_id=h.family.id, kind=ConsentKind.SHARE_WITH_DISTRICT,
        method=_weighted(rng, {ConsentMethod.WRITTEN: 50, ConsentMethod.ELECTRONIC: 50}), signed_on=signed_on,
        recipient=f"{ctx.district_names[case.district_id]} and its schools; the state education agency",
        purpose="Escalating the family's concerns to the district and, if needed, the state.",
        records="The case summary and the records the family provided.",
        recorded_by_id=advocate, recorded_at=recorded_at)
    h.consents.append(consent)
    ctx.new_consents.append(consent)
    return True


def _release_active(c: Consent, day: date, at: datetime) -> bool:
    return (c.kind is ConsentKind.SHARE_WITH_DISTRICT and c.signed_on <= day and c.recorded_at <= at
            and (c.expires_on is None or day <= c.expires_on) and (c.revoked_at is None or c.revoked_at > at))


def _rung_contact(ctx: _Ctx, case: Case, level: int) -> DistrictContact:
    """A contact at `level` of the case's district: for the district office, the one for the issue if any."""
    options = ctx.rungs[case.district_id, level]
    specific = [c for c in options if case.category in c.issue_areas]
    general = [c for c in options if not c.issue_areas] or options
    return ctx.rng.choice(specific if specific and ctx.rng.random() < 0.85 else general)


def _who(student: Student | None) -> str:
    """A student described without identifying them: "a 7th grader with an IEP"."""
    if student is None:
        return "the children"
    grade = student.grade
    if grade == "PK":
        who = "a pre-K student"
    elif grade == "K" or not grade:
        who = "a kindergartner" if grade else "a student"
    else:
        n = int(grade)
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n, "th")
        who = f"a{'n' if n in (8, 11) else ''} {n}{suffix} grader"
    if student.special_education is SpecialEducationStatus.IEP:
        who += " with an IEP"
    elif student.special_education is SpecialEducationStatus.PLAN_504:
        who += " with a 504 plan"
    elif student.english_learner is EnglishLearnerStatus.EL:
        who += " who is an English learner"
    return who


def _day(day: date) -> str:
    return f"{day:%B} {day.day}"


# ---------------------------------------------------------------- small helpers


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _pick_day(rng: random.Random, start: date, end: date) -> date:
    """A day in [start, end], preferably a weekday and rarely in the summer."""
    span = max((end - start).days, 0)
    day = start
    for _ in range(20):
        day = start + timedelta(days=rng.randint(0, span))
        if day.weekday() >= 5 or (day.month in (7, 8) and rng.random() < 0.75):
            continue
        break
    return day


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum() or ch in " .-").strip()


# ================================================================ printing


def print_summary(summary: DemoSummary) -> None:
    """What `advocase demo` prints: the organizations, what is in them and how to sign in."""
    years = " and ".join(summary.school_years)
    print(f"Loaded the Advocase demo data (school years {years}) in {summary.seconds:.1f} s.")
    for org in summary.organizations:
        statuses = ", ".join(f"{k} {v}" for k, v in org.cases_by_status.items())
        print(f"\n{org.name}  (id {org.id})")
        print(f"  chapters:  {', '.join(org.chapters)}")
        print(f"  directory: {org.districts} districts, {org.schools} schools, {org.contacts} contacts, "
              f"{org.closures} closures")
        print(f"  families:  {org.families} families, {org.students} students, {org.consents} consents")
        print(f"  cases:     {org.cases} ({statuses}), {org.events} timeline entries")
        escalations = ", ".join(f"{k} {v}" for k, v in org.escalations_by_status.items())
        print(f"  escalated: {org.escalations} escalations ({escalations}); {org.escalations_overdue} overdue "
              f"now, {org.escalations_answered_late} answered late")
        deadlines = ", ".join(f"{k} {v}" for k, v in org.deadlines_by_status.items())
        print(f"  deadlines: {org.deadlines} statutory deadlines ({deadlines})")
    print(f"\nDemo users (every one signs in with the password {summary.password}):")
    width = max(len(u.email) for u in summary.users)
    for org in summary.organizations:
        print(f"  {org.name}")
        for u in summary.users:
            if u.org == org.name:
                chapters = ", ".join(u.chapters) or ("every chapter" if u.role == "admin" else "-")
                print(f"    {u.email:<{width}}  {u.role:<13}  {chapters}")
