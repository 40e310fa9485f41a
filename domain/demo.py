"""Demo data: two parent organizations with staff, a directory and two school years of cases.

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
from domain.escalations.models import DistrictClosure
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
            )),
            DistrictSpec("Lawrence Public Schools", "lawrence", "978", (
                ("Lawrence High School", "9-12", "Lawrence"),
                ("Parthum Middle School", "6-8", "Lawrence"),
                ("Arlington Middle School", "6-8", "Lawrence"),
                ("Henry K. Oliver School", "K-8", "Lawrence"),
                ("Guilmette Elementary School", "K-5", "Lawrence"),
                ("South Lawrence East Elementary School", "K-5", "Lawrence"),
            )),
            DistrictSpec("Lowell Public Schools", "lowell", "978", (
                ("Lowell High School", "9-12", "Lowell"),
                ("Stoklosa Middle School", "6-8", "Lowell"),
                ("Bartlett Community Partnership School", "K-8", "Lowell"),
                ("Pawtucketville Memorial Elementary School", "K-4", "Lowell"),
                ("Washington Elementary School", "K-4", "Lowell"),
            )),
            DistrictSpec("Springfield Public Schools", "springfield", "413", (
                ("High School of Science and Technology", "9-12", "Springfield"),
                ("High School of Commerce", "9-12", "Springfield"),
                ("Chestnut South Middle School", "6-8", "Springfield"),
                ("Brightwood Elementary School", "K-5", "Springfield"),
                ("Rebecca M. Johnson School", "K-5", "Springfield"),
                ("Gerena Community School", "K-5", "Springfield"),
            )),
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
            )),
            DistrictSpec("David Douglas School District", "ddouglas", "503", (
                ("David Douglas High School", "9-12", "East Portland"),
                ("Floyd Light Middle School", "6-8", "East Portland"),
                ("Cherry Park Elementary School", "K-5", "East Portland"),
                ("Gilbert Heights Elementary School", "K-5", "East Portland"),
            )),
            DistrictSpec("Parkrose School District", "parkrose", "503", (
                ("Parkrose High School", "9-12", "East Portland"),
                ("Parkrose Middle School", "6-8", "East Portland"),
                ("Shaver Elementary School", "K-5", "East Portland"),
                ("Sacramento Elementary School", "K-5", "East Portland"),
            )),
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


@dataclass
class DemoSummary:
    organizations: list[DemoOrgSummary]
    users: tuple[DemoUser, ...]
    password: str
    school_years: tuple[str, str]
    seconds: float


# ================================================================ loading


async def load_demo(db: Database, *, today: date | None = None) -> DemoSummary:
    """Create the demo organizations, staff, directory, families and cases in one unit of work.

    Raises CONFLICT (and changes nothing) when the demo users already exist.
    """
    started = clock.perf_counter()
    today = today or date.today()
    rng = random.Random(SEED)
    summaries = []
    async with db.transaction() as s:
        await _refuse_if_loaded(s)
        for spec in ORGS:
            summaries.append(await _load_org(s, rng, spec, today))
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

    def id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, day: date) -> datetime:
        """A moment in local business hours on `day`, in UTC; today's are an hour or more ago."""
        local = datetime.combine(day, time(8, 0), tzinfo=self.tz) + timedelta(minutes=self.rng.randint(0, 600))
        moment = local.astimezone(timezone.utc)
        return moment if moment <= self.now else self.now - timedelta(minutes=self.rng.randint(60, 240))

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()


async def _load_org(s: AsyncSession, rng: random.Random, spec: OrgSpec, today: date) -> DemoOrgSummary:
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

    ctx = _Ctx(rng=rng, spec=spec, org_id=org.id, today=today, now=utcnow(),
               tz=timezone(timedelta(hours=spec.utc_offset)), chapter_ids=chapter_ids, admin_id=admin.id,
               advocates={u.chapters[0]: users[u.email].id for u in staff if u.role == "advocate"})
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
    s.add_all(assignees + events)
    await s.flush()
    summary.cases, summary.events = len(cases), len(events)
    by_status = Counter(c.status.value for c in cases)
    summary.cases_by_status = {st.value: by_status.get(st.value, 0) for st in CaseStatus}
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
        for title, office, areas in DISTRICT_OFFICES:
            contacts.append(contact(district, spec, 2, next(names), title, office, areas))
        for agency in ctx.spec.agencies:
            contacts.append(contact(district, spec, agency.level, agency.name, agency.title, agency.office, [],
                                    email=agency.email, phone=agency.phone))
        calendar = _ma_closures if ctx.spec.state == "MA" else _or_closures
        first = school_year_start(ctx.today).year - 1
        for year in (first, first + 1):
            for name, starts, ends in calendar(year):
                closures.append(DistrictClosure(id=ctx.id(), organization_id=org, district_id=district.id,
                                                name=name, starts_on=starts, ends_on=ends))
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
    case.created_at = events[0].occurred_at
    case.updated_at = events[-1].occurred_at
    if case.status in ACTIVE:
        roll = rng.random()
        if roll < 0.22:
            case.next_action_due_on = today - timedelta(days=rng.randint(1, 25))   # overdue
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
    moments = [min(m, ctx.now) for m in moments]
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
            check_transition(previous, to, outcome)
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
    print(f"\nDemo users (every one signs in with the password {summary.password}):")
    width = max(len(u.email) for u in summary.users)
    for org in summary.organizations:
        print(f"  {org.name}")
        for u in summary.users:
            if u.org == org.name:
                chapters = ", ".join(u.chapters) or ("every chapter" if u.role == "admin" else "-")
                print(f"    {u.email:<{width}}  {u.role:<13}  {chapters}")
