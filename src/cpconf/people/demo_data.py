"""The fictional demo authority, Northbridge: its agencies, professionals, children and families.

Everything here is invented. Names are unusual pairings made up for the demo; NHS numbers come from
the range reserved for testing (they start 999, so they can never be a real patient's); unique pupil
numbers use local authority number 999, which no authority has; email addresses use the reserved
``.example`` domain; phone numbers are from Ofcom's range for drama (07700 900000 to 900999).

The data is the same on every run: fixed lists, with dates of birth and expected delivery dates
counted back or forward from today so that ages stay right. It is written through ``services.py``,
so it meets the same validation as anything typed into the administration. ``demo_load`` then adds the
enquiries and conferences (``cpconf.conferences.demo_data``) and the outcome of a held conference
(``cpconf.plans.demo_data``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from cpconf import clock
from cpconf.access.log import audit_record, audit_snapshot
from cpconf.people import identifiers, services
from cpconf.people.models import (
    AgencyType,
    Authority,
    CaseRole,
    Child,
    Ethnicity,
    Professional,
    Relationship,
    Role,
    Sex,
    User,
)

AUTHORITY_NAME = "Northbridge City Council"
AUTHORITY_SLUG = "northbridge"
# Not a real local authority number, so the unique pupil numbers below cannot be real either.
AUTHORITY_CODE = "999"
POLICY_PROFILE = "staffordshire"

# Published with the demo: every demo sign-in uses it. Never use the demo outside a laptop or a test.
DEMO_PASSWORD = "quiet-lantern-harbour-47"  # noqa: S105
SUPERUSER_EMAIL = "superuser@cpconf.example"
SUPERUSER_NAME = ("Demo", "Superuser")

SECURE_EMAIL_DOMAINS = (
    "northbridge.example",
    "nhs.northbridge.example",
    "police.northbridge.example",
    "schools.northbridge.example",
    "probation.northbridge.example",
    "cafcass.example",
)


def nhs_number_in_test_range(serial: int) -> str:
    """The ``serial``-th valid NHS number in the range reserved for testing (999 000 0000 onwards)."""
    found = -1
    for candidate in range(1_000_000):
        first_nine = f"999{candidate:06d}"
        total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check == 10:  # no NHS number has this check value
            continue
        found += 1
        if found == serial:
            return first_nine + str(check)
    raise ValueError("There are not that many NHS numbers in the test range.")


def demo_upn(*, school_number: int, year: int, serial: int) -> str:
    """A valid unique pupil number for the fictional authority 999."""
    rest = f"{AUTHORITY_CODE}{school_number:04d}{year % 100:02d}{serial:03d}"
    return identifiers.upn_check_letter(rest) + rest


@dataclass(frozen=True)
class DemoAgency:
    key: str
    name: str
    agency_type: str
    email_domain: str


AGENCIES = (
    DemoAgency("social_care", "Northbridge Children's Social Care", AgencyType.CHILDRENS_SOCIAL_CARE, "northbridge.example"),
    DemoAgency("police", "Northbridge Police Public Protection Unit", AgencyType.POLICE, "police.northbridge.example"),
    # R-QU-1: each health provider service is its own agency.
    DemoAgency("health_visiting", "Northbridge Health Visiting Service", AgencyType.HEALTH, "nhs.northbridge.example"),
    DemoAgency("midwifery", "Northbridge Maternity and Midwifery Service", AgencyType.HEALTH, "nhs.northbridge.example"),
    DemoAgency("gp", "Tanner's Row Medical Practice", AgencyType.HEALTH, "nhs.northbridge.example"),
    DemoAgency("school_nursing", "Northbridge School Nursing Service", AgencyType.HEALTH, "nhs.northbridge.example"),
    DemoAgency("primary", "Larkspur Lane Primary School", AgencyType.EDUCATION, "schools.northbridge.example"),
    DemoAgency("secondary", "Ottersby Secondary School", AgencyType.EDUCATION, "schools.northbridge.example"),
    DemoAgency("probation", "Northbridge Probation Delivery Unit", AgencyType.PROBATION, "probation.northbridge.example"),
    DemoAgency("cafcass", "Cafcass Northbridge Team", AgencyType.CAFCASS, "cafcass.example"),
    DemoAgency("housing", "Northbridge Housing Options", AgencyType.HOUSING, "northbridge.example"),
)  # fmt: skip


@dataclass(frozen=True)
class DemoProfessional:
    given_name: str
    family_name: str
    agency: str
    job_title: str
    roles: tuple[str, ...]
    social_work_england_number: str = ""  # set only for qualified social workers (R-PL-2)
    is_staff: bool = False

    def email(self, domain: str) -> str:
        return f"{self.given_name}.{self.family_name}@{domain}".lower()


# Social Work England numbers here are far beyond any issued so far (SW then 8 digits).
PROFESSIONALS = (
    DemoProfessional("Perpetua", "Ashgrove", "social_care", "Business support manager", (Role.AUTHORITY_ADMINISTRATOR,), is_staff=True),
    DemoProfessional("Idris", "Fellowes", "social_care", "Independent conference chair", (Role.CHAIR,), "SW99000101"),
    DemoProfessional("Wilhelmina", "Tansley", "social_care", "Safeguarding and quality assurance manager", (Role.CHAIR, Role.SAFEGUARDING_MANAGER), "SW99000102"),
    DemoProfessional("Ottoline", "Brackwater", "social_care", "Conference coordinator", (Role.CONFERENCE_COORDINATOR, Role.MINUTE_TAKER)),
    DemoProfessional("Caspian", "Dunmore", "social_care", "Minute taker", (Role.MINUTE_TAKER,)),
    DemoProfessional("Marisol", "Quenby", "social_care", "Team manager, child protection", (Role.TEAM_MANAGER,), "SW99000103"),
    DemoProfessional("Thaddeus", "Ormsby", "social_care", "Social worker", (Role.SOCIAL_WORKER,), "SW99000104"),
    DemoProfessional("Niamh", "Everdell", "social_care", "Social worker", (Role.SOCIAL_WORKER,), "SW99000105"),
    # R-NA-2: the lead child protection practitioner is an experienced social worker.
    DemoProfessional("Bartholomew", "Ngata-Reeve", "social_care", "Lead child protection practitioner", (Role.LEAD_CHILD_PROTECTION_PRACTITIONER, Role.SOCIAL_WORKER), "SW99000106"),
    DemoProfessional("Sefton", "Harcastle", "police", "Detective constable", (Role.AGENCY_PROFESSIONAL,)),
    DemoProfessional("Jocasta", "Penhallow", "health_visiting", "Health visitor", (Role.AGENCY_PROFESSIONAL,)),
    DemoProfessional("Ravi", "Templecombe", "midwifery", "Safeguarding midwife", (Role.AGENCY_PROFESSIONAL,)),
    DemoProfessional("Ingrid", "Moorcroft-Lyle", "gp", "General practitioner", (Role.AGENCY_PROFESSIONAL,)),
    DemoProfessional("Fenella", "Ashdown-Pryor", "secondary", "Designated safeguarding lead", (Role.AGENCY_PROFESSIONAL,)),
    DemoProfessional("Primrose", "Talbothay", "primary", "Designated safeguarding lead", (Role.AGENCY_PROFESSIONAL,)),
    DemoProfessional("Leontine", "Marchbank", "social_care", "Performance analyst", (Role.PERFORMANCE_ANALYST,)),
    DemoProfessional("Data", "Exchange", "social_care", "Service account for statutory returns", (Role.SERVICE_ACCOUNT,)),
)  # fmt: skip


@dataclass(frozen=True)
class DemoAdult:
    given_name: str
    family_name: str
    lives_here: bool = True  # False for an absent parent: related to a child, not in the household
    address: str = ""  # where an absent parent lives
    preferred_language: str = "English"
    interpreter_needed: bool = False
    contact_details_confidential: bool = False

    @property
    def key(self) -> str:
        return f"{self.given_name} {self.family_name}"


# (family member's "given family" name, relationship, parental responsibility, lives with the child)
Family = tuple[tuple[str, str, bool, bool], ...]


@dataclass(frozen=True)
class DemoChild:
    given_name: str  # "" for an unborn child
    family_name: str
    sex: str
    ethnicity: str
    age: tuple[int, int] | None  # (years, days past that birthday); None for an unborn child
    family: Family
    due_in_days: int | None = None  # for an unborn child: days until the expected delivery date
    first_language: str = "English"
    known_as: str = ""


@dataclass(frozen=True)
class DemoHousehold:
    name: str
    address: str
    adults: tuple[DemoAdult, ...]
    children: tuple[DemoChild, ...] = field(default_factory=tuple)


M, F, U = Sex.MALE, Sex.FEMALE, Sex.UNKNOWN
MOTHER, FATHER = Relationship.MOTHER, Relationship.FATHER
PARTNER, STEP = Relationship.PARENTS_PARTNER, Relationship.STEP_PARENT
GRANDPARENT, KINSHIP = Relationship.GRANDPARENT, Relationship.KINSHIP_CARER
SPECIAL_GUARDIAN = Relationship.SPECIAL_GUARDIAN

HOUSEHOLDS = (
    DemoHousehold(
        "the Ashcombe household",
        "14 Pelham Rise, Northbridge NB3 7QT",
        (DemoAdult("Rosalind", "Ashcombe"), DemoAdult("Gideon", "Ashcombe")),
        (
            DemoChild("Florian", "Ashcombe", M, Ethnicity.WBRI, (11, 40), (("Rosalind Ashcombe", MOTHER, True, True), ("Gideon Ashcombe", FATHER, True, True))),
            DemoChild("Marigold", "Ashcombe", F, Ethnicity.WBRI, (7, 200), (("Rosalind Ashcombe", MOTHER, True, True), ("Gideon Ashcombe", FATHER, True, True))),
            DemoChild("Peregrine", "Ashcombe", M, Ethnicity.WBRI, (3, 95), (("Rosalind Ashcombe", MOTHER, True, True), ("Gideon Ashcombe", FATHER, True, True)), known_as="Perry"),
        ),
    ),
    # Half-siblings: Wren's father does not live here (an absent parent with parental responsibility).
    DemoHousehold(
        "the Draycott household",
        "3 Cinder Lane, Northbridge NB1 4HX",
        (
            DemoAdult("Saffron", "Draycott"),
            DemoAdult("Lucan", "Pellow"),
            DemoAdult("Hollis", "Varga", lives_here=False, address="27 Wharfside Court, Eastmere EM4 2JB"),
        ),
        (
            DemoChild("Wren", "Draycott", F, Ethnicity.WBRI, (14, 120), (("Saffron Draycott", MOTHER, True, True), ("Hollis Varga", FATHER, True, False), ("Lucan Pellow", PARTNER, False, True))),
            DemoChild("Juniper", "Pellow", F, Ethnicity.WBRI, (4, 260), (("Saffron Draycott", MOTHER, True, True), ("Lucan Pellow", FATHER, True, True))),
        ),
    ),
    DemoHousehold(
        "the Corvidescu household",
        "8 Gannet Row, Northbridge NB2 9LP",
        (
            DemoAdult("Ileana", "Corvidescu", preferred_language="Romanian", interpreter_needed=True),
            DemoAdult("Sorin", "Corvidescu", preferred_language="Romanian"),
        ),
        (
            DemoChild("Anca", "Corvidescu", F, Ethnicity.WROM, (8, 310), (("Ileana Corvidescu", MOTHER, True, True), ("Sorin Corvidescu", FATHER, True, True)), first_language="Romanian"),
            DemoChild("Tudor", "Corvidescu", M, Ethnicity.WROM, (5, 15), (("Ileana Corvidescu", MOTHER, True, True), ("Sorin Corvidescu", FATHER, True, True)), first_language="Romanian"),
        ),
    ),
    # R-CT-3: a pre-birth conference; the unborn baby's older brother lives here too (R-CH-1).
    DemoHousehold(
        "the Fennimore household",
        "21 Tollgate Mews, Northbridge NB4 1RW",
        (DemoAdult("Clemency", "Fennimore"), DemoAdult("Jory", "Tregarthen")),
        (
            DemoChild("Otis", "Fennimore", M, Ethnicity.WBRI, (2, 150), (("Clemency Fennimore", MOTHER, True, True), ("Jory Tregarthen", FATHER, True, True))),
            # No one holds parental responsibility for a child before birth.
            DemoChild("", "Fennimore", U, Ethnicity.NOBT, None, (("Clemency Fennimore", MOTHER, False, True), ("Jory Tregarthen", FATHER, False, True)), due_in_days=70),
        ),
    ),
    DemoHousehold(
        "the Thistlewood household",
        "5 Hazelwick Road, Northbridge NB3 2DE",
        (DemoAdult("Marjorie", "Thistlewood"),),
        (
            DemoChild("Ezra", "Thistlewood", M, Ethnicity.WBRI, (17, 200), (("Marjorie Thistlewood", SPECIAL_GUARDIAN, True, True),)),
        ),
    ),
    DemoHousehold(
        "the Amadi-Selwyn household",
        "42 Quarry Bank, Northbridge NB2 6TS",
        (DemoAdult("Chidinma", "Amadi-Selwyn"),),
        (
            DemoChild("Kelechi", "Amadi-Selwyn", M, Ethnicity.BAFR, (12, 75), (("Chidinma Amadi-Selwyn", MOTHER, True, True),)),
            DemoChild("Ebele", "Amadi-Selwyn", F, Ethnicity.BAFR, (10, 330), (("Chidinma Amadi-Selwyn", MOTHER, True, True),)),
        ),
    ),
    # After domestic abuse: the mother's contact details are confidential, the household address is
    # not recorded here, and the father (who keeps parental responsibility) lives elsewhere.
    DemoHousehold(
        "the Sallowby household",
        "",
        (
            DemoAdult("Imogen", "Sallowby", address="Flat 2, 9 Lantern Close, Northbridge NB5 3AF", contact_details_confidential=True),
            DemoAdult("Damon", "Kettleby", lives_here=False, address="60 Ferrier Street, Northbridge NB1 8GU"),
        ),
        (
            DemoChild("Rufus", "Sallowby", M, Ethnicity.WBRI, (9, 180), (("Imogen Sallowby", MOTHER, True, True), ("Damon Kettleby", FATHER, True, False))),
            DemoChild("Ottilie", "Sallowby", F, Ethnicity.WBRI, (1, 60), (("Imogen Sallowby", MOTHER, True, True), ("Damon Kettleby", FATHER, True, False))),
        ),
    ),
    # R-CT-3: a first pregnancy.
    DemoHousehold(
        "the Roskilly household",
        "Room 4, 11 Osprey Walk, Northbridge NB2 5YH",
        (DemoAdult("Delphine", "Roskilly"),),
        (
            DemoChild("", "Roskilly", U, Ethnicity.NOBT, None, (("Delphine Roskilly", MOTHER, False, True),), due_in_days=125),
        ),
    ),
    DemoHousehold(
        "the Greenhalgh-Ives household",
        "17 Brindle Terrace, Northbridge NB4 4NQ",
        (DemoAdult("Philippa", "Greenhalgh-Ives"),),
        (
            DemoChild("Lark", "Ives", F, Ethnicity.WBRI, (13, 220), (("Philippa Greenhalgh-Ives", KINSHIP, False, True),)),
            DemoChild("Bram", "Ives", M, Ethnicity.WBRI, (11, 300), (("Philippa Greenhalgh-Ives", KINSHIP, False, True),)),
        ),
    ),
    DemoHousehold(
        "the Hartigan household",
        "2 Copper Beech Drive, Northbridge NB5 1EL",
        (DemoAdult("Siobhan", "Hartigan"), DemoAdult("Cormac", "Hartigan")),
        (
            DemoChild("Niall", "Hartigan", M, Ethnicity.WIRI, (15, 100), (("Siobhan Hartigan", MOTHER, True, True), ("Cormac Hartigan", FATHER, True, True))),
            DemoChild("Roisin", "Hartigan", F, Ethnicity.WIRI, (0, 21), (("Siobhan Hartigan", MOTHER, True, True), ("Cormac Hartigan", FATHER, True, True))),
        ),
    ),
    DemoHousehold(
        "the Ellerby household",
        "33 Millrace Way, Northbridge NB3 6PJ",
        (DemoAdult("Vasanthi", "Ellerby"), DemoAdult("Rohan", "Ellerby")),
        (
            DemoChild("Kavya", "Ellerby", F, Ethnicity.AIND, (6, 240), (("Vasanthi Ellerby", MOTHER, True, True), ("Rohan Ellerby", FATHER, True, True))),
        ),
    ),
    DemoHousehold(
        "the Greenslade household",
        "9 Harebell Gardens, Northbridge NB1 2WF",
        (DemoAdult("Tafadzwa", "Greenslade"), DemoAdult("Warrick", "Greenslade")),
        (
            DemoChild("Ruvimbo", "Greenslade", F, Ethnicity.BAFR, (16, 50), (("Tafadzwa Greenslade", MOTHER, True, True), ("Warrick Greenslade", STEP, False, True))),
            DemoChild("Tinashe", "Greenslade", M, Ethnicity.BAFR, (13, 10), (("Tafadzwa Greenslade", MOTHER, True, True), ("Warrick Greenslade", STEP, False, True))),
        ),
    ),
    DemoHousehold(
        "the Krasowiec household",
        "54 Stonechat Avenue, Northbridge NB4 7KU",
        (DemoAdult("Bogna", "Krasowiec", preferred_language="Polish"),),
        (
            DemoChild("Kacper", "Krasowiec", M, Ethnicity.WOTH, (10, 140), (("Bogna Krasowiec", MOTHER, True, True),), first_language="Polish"),
        ),
    ),
    DemoHousehold(
        "the Merriweather household",
        "6 Kiln Yard, Northbridge NB2 3MC",
        (DemoAdult("Augustin", "Merriweather"),),
        (
            DemoChild("Saskia", "Merriweather", F, Ethnicity.MWAS, (8, 25), (("Augustin Merriweather", FATHER, True, True),)),
            DemoChild("Felix", "Merriweather", M, Ethnicity.MWAS, (4, 175), (("Augustin Merriweather", FATHER, True, True),)),
        ),
    ),
    DemoHousehold(
        "the Thorncliffe household",
        "12 Bellfounder Place, Northbridge NB5 6RA",
        (DemoAdult("Hyacinth", "Thorncliffe"),),
        (
            DemoChild("Jerome", "Thorncliffe", M, Ethnicity.BCRB, (14, 290), (("Hyacinth Thorncliffe", GRANDPARENT, False, True),)),
        ),
    ),
    DemoHousehold(
        "the Quillon household",
        "48 Netherby Crescent, Northbridge NB3 1BN",
        (DemoAdult("Bethan", "Quillon"),),
        (
            DemoChild("Cerys", "Quillon", F, Ethnicity.WBRI, (1, 200), (("Bethan Quillon", MOTHER, True, True),)),
        ),
    ),
    DemoHousehold(
        "the Castellano-Reid household",
        "7 Pelham Rise, Northbridge NB3 7QU",
        (DemoAdult("Lucia", "Castellano-Reid"), DemoAdult("Fraser", "Castellano-Reid")),
        (
            DemoChild("Mateo", "Castellano-Reid", M, Ethnicity.MOTH, (7, 65), (("Lucia Castellano-Reid", MOTHER, True, True), ("Fraser Castellano-Reid", FATHER, True, True))),
        ),
    ),
    DemoHousehold(
        "the Whitlock household",
        "19 Ferrier Street, Northbridge NB1 8GT",
        (DemoAdult("Harriet", "Whitlock"), DemoAdult("Dominic", "Sayle")),
        (
            DemoChild("Poppy", "Whitlock", F, Ethnicity.WBRI, (5, 230), (("Harriet Whitlock", MOTHER, True, True), ("Dominic Sayle", PARTNER, False, True))),
            DemoChild("Alfie", "Whitlock", M, Ethnicity.WBRI, (2, 30), (("Harriet Whitlock", MOTHER, True, True), ("Dominic Sayle", PARTNER, False, True))),
        ),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class DemoAllocation:
    child: str  # the child's full name ("Unborn baby Fennimore" for an unborn child)
    professional: str  # "Given Family"
    case_role: str
    started_days_ago: int
    ended_days_ago: int | None = None  # None while current


SW, LCPP, TM, AGENCY = (
    CaseRole.SOCIAL_WORKER,
    CaseRole.LEAD_CHILD_PROTECTION_PRACTITIONER,
    CaseRole.TEAM_MANAGER,
    CaseRole.AGENCY_WORKER,
)

# R-AF-5 in the demo: social care staff see every child; the health visitor, the midwife and the school's
# safeguarding lead see only the children allocated to them; the police officer, the GP, the performance
# analyst and the service account see none (the police officer and the GP will once invited to a conference).
ALLOCATIONS = (
    DemoAllocation("Florian Ashcombe", "Thaddeus Ormsby", SW, 140),
    DemoAllocation("Marigold Ashcombe", "Thaddeus Ormsby", SW, 140),
    DemoAllocation("Peregrine Ashcombe", "Thaddeus Ormsby", SW, 140),
    DemoAllocation("Peregrine Ashcombe", "Jocasta Penhallow", AGENCY, 300),
    DemoAllocation("Florian Ashcombe", "Marisol Quenby", TM, 140),
    DemoAllocation("Marigold Ashcombe", "Marisol Quenby", TM, 140),
    DemoAllocation("Peregrine Ashcombe", "Marisol Quenby", TM, 140),
    DemoAllocation("Wren Draycott", "Niamh Everdell", SW, 60),
    DemoAllocation("Juniper Pellow", "Niamh Everdell", SW, 60),
    DemoAllocation("Juniper Pellow", "Jocasta Penhallow", AGENCY, 400, ended_days_ago=45),
    DemoAllocation("Otis Fennimore", "Bartholomew Ngata-Reeve", LCPP, 30),
    DemoAllocation("Unborn baby Fennimore", "Bartholomew Ngata-Reeve", LCPP, 30),
    DemoAllocation("Otis Fennimore", "Jocasta Penhallow", AGENCY, 200),
    DemoAllocation("Unborn baby Fennimore", "Ravi Templecombe", AGENCY, 30),
    DemoAllocation("Rufus Sallowby", "Niamh Everdell", SW, 90),
    DemoAllocation("Ottilie Sallowby", "Niamh Everdell", SW, 90),
    DemoAllocation("Ottilie Sallowby", "Jocasta Penhallow", AGENCY, 90),
    DemoAllocation("Unborn baby Roskilly", "Bartholomew Ngata-Reeve", LCPP, 20),
    DemoAllocation("Unborn baby Roskilly", "Ravi Templecombe", AGENCY, 20),
    DemoAllocation("Kelechi Amadi-Selwyn", "Thaddeus Ormsby", SW, 50),
    DemoAllocation("Kelechi Amadi-Selwyn", "Fenella Ashdown-Pryor", AGENCY, 50),
    DemoAllocation("Ezra Thistlewood", "Fenella Ashdown-Pryor", AGENCY, 365),
    # A case handed from one social worker to another: the first allocation has ended.
    DemoAllocation("Kacper Krasowiec", "Thaddeus Ormsby", SW, 200, ended_days_ago=35),
    DemoAllocation("Kacper Krasowiec", "Niamh Everdell", SW, 34),
    DemoAllocation("Saskia Merriweather", "Thaddeus Ormsby", SW, 45),
    DemoAllocation("Felix Merriweather", "Thaddeus Ormsby", SW, 45),
    DemoAllocation("Felix Merriweather", "Jocasta Penhallow", AGENCY, 400),
    DemoAllocation("Saskia Merriweather", "Primrose Talbothay", AGENCY, 400),
)

# Children of this age and older have started nursery or school, so they have a unique pupil number.
UPN_FROM_AGE = 3
PRIMARY_SCHOOL_NUMBER = 2417
SECONDARY_SCHOOL_NUMBER = 4103


@dataclass(frozen=True)
class SignIn:
    email: str
    name: str
    roles: str


def closure_days(today: date) -> list[tuple[date, str]]:
    """Two weekdays between Christmas and New Year at the coming year end."""
    year = today.year if today < date(today.year, 12, 24) else today.year + 1
    weekdays = [date(year, 12, day) for day in (29, 30, 31, 27, 28) if date(year, 12, day).weekday() < 5]
    return [(day, "Council offices closed between Christmas and New Year") for day in sorted(weekdays[:2])]


def _date_of_birth(today: date, age: tuple[int, int]) -> date:
    years, days = age
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year without one
        birthday = today.replace(year=today.year - years, day=28)
    return birthday - timedelta(days=days)


def demo_exists() -> bool:
    return Authority.objects.filter(slug=AUTHORITY_SLUG).exists()


@transaction.atomic
def demo_load() -> bool:
    """Create the Northbridge demo data, all or nothing; False (and no change) if it already exists."""
    if demo_exists():
        return False
    today = clock.today()
    authority = services.authority_create(
        name=AUTHORITY_NAME, slug=AUTHORITY_SLUG, policy_profile=POLICY_PROFILE, code=AUTHORITY_CODE
    )
    for day, reason in closure_days(today):
        services.closure_day_add(authority=authority, day=day, reason=reason)
    for domain in SECURE_EMAIL_DOMAINS:
        services.secure_email_domain_add(authority=authority, domain=domain)

    agencies = {}
    for demo_agency in AGENCIES:
        agencies[demo_agency.key] = services.agency_create(
            authority=authority, name=demo_agency.name, agency_type=demo_agency.agency_type
        )
    domains = {demo_agency.key: demo_agency.email_domain for demo_agency in AGENCIES}
    professionals = {}
    for person in PROFESSIONALS:
        professionals[f"{person.given_name} {person.family_name}"] = services.professional_create(
            agency=agencies[person.agency],
            given_name=person.given_name,
            family_name=person.family_name,
            job_title=person.job_title,
            email=person.email(domains[person.agency]),
            roles=person.roles,
            qualified_social_worker=bool(person.social_work_england_number),
            social_work_england_number=person.social_work_england_number,
            sign_in=True,
            password=DEMO_PASSWORD,
            is_staff=person.is_staff,
        )
    if not User.objects.filter(email=SUPERUSER_EMAIL).exists():
        superuser = User.objects.create_superuser(
            SUPERUSER_EMAIL, DEMO_PASSWORD, first_name=SUPERUSER_NAME[0], last_name=SUPERUSER_NAME[1]
        )
        # Every record the demo writes is in the audit history, this sign-in included.
        audit_record(
            actor=None, action="create", instance=superuser, before=None, after=audit_snapshot(superuser)
        )

    nhs_serial = 0
    upn_serial = 0
    phone_serial = 0
    children_by_name: dict[str, Child] = {}
    for household in HOUSEHOLDS:
        adults = {}
        for adult in household.adults:
            phone_serial += 1
            adults[adult.key] = services.family_member_create(
                authority=authority,
                given_name=adult.given_name,
                family_name=adult.family_name,
                phone=f"07700 900{phone_serial:03d}",
                address=adult.address or household.address,
                preferred_language=adult.preferred_language,
                interpreter_needed=adult.interpreter_needed,
                contact_details_confidential=adult.contact_details_confidential,
            )
        children = []
        for demo_child in household.children:
            nhs_number = upn = ""
            date_of_birth = expected_delivery_date = None
            if demo_child.age is None:
                expected_delivery_date = today + timedelta(days=demo_child.due_in_days or 0)
            else:
                date_of_birth = _date_of_birth(today, demo_child.age)
                nhs_serial += 1
                nhs_number = nhs_number_in_test_range(nhs_serial * 37)
                if demo_child.age[0] >= UPN_FROM_AGE:
                    upn_serial += 1
                    school = PRIMARY_SCHOOL_NUMBER if demo_child.age[0] < 11 else SECONDARY_SCHOOL_NUMBER
                    upn = demo_upn(school_number=school, year=date_of_birth.year + 4, serial=upn_serial)
            child = services.child_create(
                authority=authority,
                given_name=demo_child.given_name,
                family_name=demo_child.family_name,
                known_as=demo_child.known_as,
                date_of_birth=date_of_birth,
                expected_delivery_date=expected_delivery_date,
                sex=demo_child.sex,
                ethnicity=demo_child.ethnicity,
                first_language=demo_child.first_language,
                nhs_number=nhs_number,
                upn=upn,
            )
            for key, relationship, parental_responsibility, lives_with_child in demo_child.family:
                services.child_relationship_create(
                    child=child,
                    family_member=adults[key],
                    relationship=relationship,
                    parental_responsibility=parental_responsibility,
                    lives_with_child=lives_with_child,
                )
            children.append(child)
            children_by_name[child.full_name] = child
        services.household_create(
            authority=authority,
            name=household.name,
            address=household.address,
            children=children,
            adults=[adults[adult.key] for adult in household.adults if adult.lives_here],
        )
    for allocation in ALLOCATIONS:
        services.allocation_create(
            child=children_by_name[allocation.child],
            professional=professionals[allocation.professional],
            case_role=allocation.case_role,
            start_date=today - timedelta(days=allocation.started_days_ago),
            end_date=None
            if allocation.ended_days_ago is None
            else today - timedelta(days=allocation.ended_days_ago),
        )
    # Imported here: the conferences app builds on this one.
    from cpconf.conferences.demo_data import demo_conferences_load

    demo_conferences_load(authority, professionals, agencies)
    from cpconf.plans.demo_data import demo_outcomes_load

    demo_outcomes_load(authority, professionals, agencies)
    return True


def demo_sign_ins() -> list[SignIn]:
    """The demo's sign-ins, in the order they were created, with the superuser last."""
    sign_ins = []
    professionals = (
        Professional.objects.filter(agency__authority__slug=AUTHORITY_SLUG, user__isnull=False)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("pk")
    )
    for professional in professionals:
        user = professional.user
        if user is None:  # never: the query asks for professionals with a user
            continue
        roles = ", ".join(held.get_role_display() for held in professional.roles.all())
        if user.is_staff:
            roles += " (can use the administration)"
        sign_ins.append(SignIn(user.email, professional.full_name, roles))
    superuser = User.objects.filter(email=SUPERUSER_EMAIL, is_superuser=True).first()
    if superuser is not None:
        sign_ins.append(SignIn(superuser.email, superuser.get_full_name(), "Superuser: every authority"))
    return sign_ins


def demo_summary() -> str:
    """One line counting what the demo authority holds."""
    authority = Authority.objects.filter(slug=AUTHORITY_SLUG).first()
    if authority is None:
        return "There is no demo authority."
    professionals = Professional.objects.filter(agency__authority=authority).count()
    children = authority.children.count()
    unborn = authority.children.filter(date_of_birth__isnull=True).count()
    return (
        f"{authority.name}: {authority.agencies.count()} agencies, {professionals} professionals, "
        f"{children} children ({unborn} unborn) in {authority.households.count()} households, "
        f"{authority.family_members.count()} parents, carers and relatives; "
        f"{authority.section_47_enquiries.count()} Section 47 enquiries and "
        f"{authority.conferences.count()} conferences."
    )
