"""The children pages through HTTP: the list, a child's record and who has seen it (R-AF-5, R-CH-1).

Who may open which page is the permission matrix's job (tests/access/test_permission_matrix.py); these
tests check what each page shows, and leaves out, for the personas of tests/access/conftest.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from cpconf import clock
from cpconf.access.log import access_record
from cpconf.access.models import AccessEntry, BreakGlassGrant
from cpconf.people.models import CaseRole, Child, Relationship
from cpconf.people.services import allocation_create
from cpconf.people.views import age_in_words, nhs_number_ending, nhs_number_spaced, time_in_words
from tests import factories
from tests.access.conftest import World, build_world
from tests.web.html import page_title

AssertNumQueries = Callable[..., object]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def text(html: str) -> str:
    """The page's words, with tags and repeated spaces taken out, for plain-English assertions."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",").strip())


def record_url(child: Child) -> str:
    return f"/children/{child.public_id}/"


# The list


def test_social_worker_sees_every_child_of_the_authority_in_a_table(world: World) -> None:
    response = world.client_for("social_worker").get("/children/")
    html = response.content.decode()
    assert f"<title>{page_title('Children')}</title>" in html
    words = text(html)
    assert "Showing 1 to 3 of 3" in words
    for child in (world.child, world.brother, world.unrelated_child):
        assert f'href="{record_url(child)}"' in html
    assert "Zephyrine" not in html
    # Elowen: her date of birth, age, the end of her NHS number, her household and her social worker.
    assert (
        f"Elowen Fairbrass 12 April 2019 {age_in_words(world.child, clock.today())} "
        f"Ending {world.child.nhs_number[-3:]} the Fairbrass household Lucan Marwood"
    ) in words
    assert world.child.nhs_number not in html  # never the whole number in a list
    assert "Corin Halloway" in words and "Not allocated" in words


def test_an_unborn_child_is_listed_with_the_expected_delivery_date(world: World) -> None:
    due = clock.today() + timedelta(weeks=10)
    factories.ChildFactory(
        authority=world.northbridge, unborn=True, family_name="Kestrelle", expected_delivery_date=due
    )
    words = text(world.client_for("chair").get("/children/").content.decode())
    assert f"Unborn baby Kestrelle Unborn: due {due.day} {due:%B %Y} Unborn Not recorded" in words


def test_health_visitor_sees_only_the_child_she_is_allocated_to(world: World) -> None:
    html = world.client_for("health_visitor").get("/children/").content.decode()
    assert "Elowen Fairbrass" in html
    for name in ("Jago", "Corin", "Zephyrine"):
        assert name not in html


def test_unallocated_police_officer_sees_an_empty_list_that_says_why(world: World) -> None:
    response = world.client_for("police_officer").get("/children/")
    assert response.status_code == 200
    words = text(response.content.decode())
    assert "There are no children to show" in words
    assert "when you are allocated to them" in words
    assert "Fairbrass" not in words


def test_performance_analyst_gets_403_for_the_list(world: World) -> None:
    response = world.client_for("performance_analyst").get("/children/")
    assert response.status_code == 403
    assert "Fairbrass" not in response.content.decode()


def test_the_list_searches_by_any_part_of_any_name(world: World) -> None:
    client = world.client_for("chair")
    words = text(client.get("/children/", {"q": "fairbrass jag"}).content.decode())
    assert "Children matching “fairbrass jag”" in words
    assert "Jago Fairbrass" in words and "Elowen" not in words
    words = text(client.get("/children/", {"q": "Quillington"}).content.decode())
    assert "No children match “Quillington”" in words
    assert "Clear the search" in words


@pytest.mark.parametrize(
    ("typed", "finds_jago"),
    [("fair\x00brass", True), ("%", False), ("_", False), ("\\", False), ("'; select 1; --", False)],
)
def test_a_search_with_characters_a_database_treats_specially_is_just_text(
    world: World, typed: str, finds_jago: bool
) -> None:
    # A null character is refused by PostgreSQL's driver: it is dropped, not turned into an error page;
    # LIKE's wildcards match only themselves.
    response = world.client_for("chair").get("/children/", {"q": typed})
    assert response.status_code == 200
    assert ("Jago Fairbrass" in text(response.content.decode())) is finds_jago


def test_the_list_pages_through_many_children_keeping_the_search(world: World) -> None:
    factories.ChildFactory.create_batch(30, authority=world.northbridge, family_name="Ambleside")
    client = world.client_for("chair")
    first = client.get("/children/", {"q": "ambleside"}).content.decode()
    assert "Showing 1 to 25 of 30" in text(first)
    assert 'href="?q=ambleside&amp;page=2"' in first
    second = client.get("/children/", {"q": "ambleside", "page": "2"}).content.decode()
    assert "Showing 26 to 30 of 30" in text(second)
    assert f"<title>{page_title('Children matching “ambleside” (page 2 of 2)')}</title>" in second
    # A page number past the end, or not a number, shows the last or first page.
    assert "Showing 26 to 30" in text(
        client.get("/children/", {"q": "ambleside", "page": "99"}).content.decode()
    )
    assert "Showing 1 to 25" in text(
        client.get("/children/", {"q": "ambleside", "page": "x"}).content.decode()
    )


def test_the_list_names_the_lead_practitioner_before_the_social_worker(world: World) -> None:
    lead = factories.ProfessionalFactory(
        agency=world.professionals["social_worker"].agency,
        user__first_name="Saoirse",
        user__last_name="Lennock",
    )
    allocation_create(
        child=world.child,
        professional=lead,
        case_role=CaseRole.LEAD_CHILD_PROTECTION_PRACTITIONER,
        start_date=clock.today(),
    )
    words = text(world.client_for("chair").get("/children/").content.decode())
    assert "the Fairbrass household Saoirse Lennock" in words


@pytest.mark.parametrize("extra_children", [0, 18], ids=["2 children", "20 children"])
def test_the_list_needs_the_same_queries_however_many_children(
    world: World, django_assert_num_queries: AssertNumQueries, extra_children: int
) -> None:
    # Corin goes (with the emergency access the duty officer holds for him, and his conference), leaving
    # two children.
    BreakGlassGrant.objects.filter(child=world.unrelated_child).delete()
    conference = world.conferences["corin"]
    world.plans["corin"].delete()  # and its core group meeting; then the decision it was made from
    conference.decisions.all().delete()
    conference.exclusions.all().delete()
    conference.invitations.all().delete()
    conference.delete()
    Child.objects.filter(pk=world.unrelated_child.pk).delete()
    for number in range(extra_children):
        child = factories.ChildFactory(authority=world.northbridge, family_name=f"Ormerod{number}")
        factories.HouseholdFactory(authority=world.northbridge, children=[child])
        allocation_create(
            child=child,
            professional=world.professionals["social_worker"],
            case_role=CaseRole.SOCIAL_WORKER,
            start_date=clock.today(),
        )
    client = world.client_for("chair")
    # Not measured: the session's first request records its start, and the log's first row its chain.
    client.get("/children/")
    # The session and the user; the professional and their roles (shared by the rules and the header);
    # the access-log row (a savepoint, the chain head locked, the row, the head moved on, released);
    # the count for the pages; the children; their households; their social workers.
    with django_assert_num_queries(13):  # type: ignore[operator]
        response = client.get("/children/")
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="govuk-table__row">') == 1 + 2 + extra_children


# A child's record


def test_social_worker_sees_the_whole_record(world: World) -> None:
    response = world.client_for("social_worker").get(record_url(world.child))
    html = response.content.decode()
    assert f"<title>{page_title('Elowen Fairbrass')}</title>" in html
    words = text(html)
    assert "Child's record Elowen Fairbrass" in words
    assert "Date of birth 12 April 2019" in words
    assert f"NHS number {nhs_number_spaced(world.child.nhs_number)}" in words
    assert "Local authority Northbridge Test City Council" in words
    # R-CH-1: the household, with her brother, linked because the social worker may see him too.
    assert "The Fairbrass household" in words
    assert "Flat 3, 12 Sparrowhawk Lane" in words
    assert "Elowen Fairbrass (this child)" in words
    assert f'href="{record_url(world.brother)}"' in html
    # The family: the mother's confidential details, marked as such; the father's ordinary ones.
    assert (
        "Morwen Fairbrass Mother Yes Yes English Confidential Never share with other family members. 07700 900111"
        in words
    )
    assert "Tobiah Penrose Father Yes No English 07700 900222 40 Ropewalk Street" in words
    # The professionals allocated now.
    assert (
        "Lucan Marwood Social worker Social worker Northbridge Test Children's Social Care"
        in words.replace("&#x27;", "'")
    )
    assert "Tamsin Goldhawk Health visitor Worker from another agency" in words
    assert "Hester Quayle" not in words  # still allocated, but she has left: nobody's social worker now
    assert "See who has seen this record" not in words  # for managers only


def test_allocated_health_visitor_sees_the_record_without_confidential_contact_details(world: World) -> None:
    html = world.client_for("health_visitor").get(record_url(world.child)).content.decode()
    words = text(html)
    assert "Elowen Fairbrass" in words
    assert "Morwen Fairbrass Mother Yes Yes English Contact details withheld" in words
    # The withheld details are not hidden in the page: they never reach it.
    assert "07700 900111" not in html
    assert "Sparrowhawk" not in html  # her address, which is also the household's
    assert "Address withheld: someone in this household has confidential contact details." in words
    # The father's details are not confidential.
    assert "07700 900222" in html
    # Her brother is named as a member of the household, but not linked: she is not allocated to him.
    assert "Jago Fairbrass" in words
    assert f'href="{record_url(world.brother)}"' not in html


def test_a_relative_living_with_a_confidential_parent_does_not_give_her_address_away(world: World) -> None:
    # Security note §0: a grandmother in the same household, whose own details are not confidential,
    # would otherwise show the mother's address to an agency professional.
    household = world.child.households.get()
    grandmother = factories.FamilyMemberFactory(
        authority=world.northbridge, given_name="Ysolde", address=household.address, phone="07700 900333"
    )
    household.adults.add(grandmother)
    factories.ChildRelationshipFactory(
        child=world.child, family_member=grandmother, relationship=Relationship.GRANDPARENT
    )
    # A relative elsewhere whose address was copied from the mother's, typed a little differently.
    uncle = factories.FamilyMemberFactory(
        authority=world.northbridge, given_name="Piran", address="flat 3 12 sparrowhawk lane"
    )
    factories.ChildRelationshipFactory(
        child=world.child, family_member=uncle, relationship=Relationship.AUNT_OR_UNCLE
    )
    agency_view = world.client_for("health_visitor").get(record_url(world.child)).content.decode()
    assert "Sparrowhawk" not in agency_view and "sparrowhawk" not in agency_view
    assert "07700 900333" in agency_view  # her phone is her own, and not confidential
    assert text(agency_view).count("Address withheld: it may be where someone") == 2
    social_care_view = world.client_for("social_worker").get(record_url(world.child)).content.decode()
    assert "flat 3 12 sparrowhawk lane" in social_care_view


def test_an_unborn_child_shows_the_expected_delivery_date_and_no_age(world: World) -> None:
    due = clock.today() + timedelta(weeks=6)
    unborn = factories.ChildFactory(
        authority=world.northbridge, unborn=True, family_name="Wrenfold", expected_delivery_date=due
    )
    words = text(world.client_for("chair").get(record_url(unborn)).content.decode())
    assert "Unborn baby Wrenfold Unborn Expected delivery date" in words
    assert f"{due.day} {due:%B %Y}" in words
    assert "Age " not in words
    assert "Unborn baby Wrenfold is not recorded in a household." in words
    assert "No parents, carers or relatives are recorded." in words
    assert "Nobody is allocated to Unborn baby Wrenfold at the moment." in words


def test_team_manager_gets_a_link_to_who_has_seen_the_record(world: World) -> None:
    html = world.client_for("team_manager").get(record_url(world.child)).content.decode()
    assert f'href="/children/{world.child.public_id}/access/">See who has seen this record</a>' in html


def test_unallocated_police_officer_gets_404_with_nothing_about_the_child(world: World) -> None:
    response = world.client_for("police_officer").get(record_url(world.child))
    assert response.status_code == 404
    html = response.content.decode()
    for detail in ("Elowen", "Fairbrass", world.child.nhs_number, "Morwen"):
        assert detail not in html


def test_excluded_worker_from_another_authority_gets_404(world: World) -> None:
    assert world.client_for("other_authority_worker").get(record_url(world.child)).status_code == 404


def test_a_guessed_identifier_gets_the_same_404_page_as_a_refusal(world: World) -> None:
    client = world.client_for("police_officer")
    refused = client.get(record_url(world.child))
    guessed = client.get("/children/00000000-0000-4000-8000-000000000000/")
    assert refused.status_code == guessed.status_code == 404

    def without_nonce(html: bytes) -> str:
        return re.sub(
            r'nonce="[^"]*"', "", re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.decode())
        )

    assert without_nonce(refused.content) == without_nonce(guessed.content)


def test_an_identifier_that_is_not_a_uuid_is_not_a_page(world: World) -> None:
    before = AccessEntry.objects.count()
    assert world.client_for("chair").get(f"/children/{world.child.pk}/").status_code == 404
    assert AccessEntry.objects.count() == before  # it never reached a gateway


@pytest.mark.parametrize("extra", [0, 18], ids=["2 of each", "20 of each"])
@pytest.mark.parametrize("persona", ["social_worker", "health_visitor"])
def test_the_record_needs_the_same_queries_however_large_the_family(
    world: World, django_assert_num_queries: AssertNumQueries, extra: int, persona: str
) -> None:
    household = world.child.households.get()
    for number in range(extra):
        relative = factories.FamilyMemberFactory(
            authority=world.northbridge, family_name=f"Ravensworth{number}"
        )
        factories.ChildRelationshipFactory(
            child=world.child, family_member=relative, relationship=Relationship.AUNT_OR_UNCLE
        )
        household.adults.add(relative)
        household.children.add(
            factories.ChildFactory(authority=world.northbridge, family_name=f"Ravensworth{number}")
        )
        colleague = factories.ProfessionalFactory(agency=world.professionals["social_worker"].agency)
        allocation_create(
            child=world.child,
            professional=colleague,
            case_role=CaseRole.SOCIAL_WORKER,
            start_date=clock.today(),
        )
    client = world.client_for(persona)
    client.get(record_url(world.child))  # not measured: the session's first request, the log's first row
    # The session, the user, the professional and their roles; the child; (for an agency professional,
    # whether they are allocated, and whether they opened the record in an emergency); the access-log
    # row (five); the households, their children and adults; the family; the allocations; the child
    # protection plans and the child in need plans (issue 5).
    expected = 17 if persona == "social_worker" else 19
    with django_assert_num_queries(expected):  # type: ignore[operator]
        response = client.get(record_url(world.child))
    assert response.status_code == 200
    assert (
        text(response.content.decode()).count("Ravensworth") == 2 * extra + extra
    )  # aunts and uncles, cousins


# Who has seen the record


def test_team_manager_sees_who_has_seen_the_record_newest_first(world: World) -> None:
    world.client_for("police_officer").get(record_url(world.child))
    world.client_for("social_worker").get(record_url(world.child))
    response = world.client_for("team_manager").get(f"/children/{world.child.public_id}/access/")
    html = response.content.decode()
    words = text(html)
    title = page_title("Who has seen Elowen Fairbrass's record")
    assert f"<title>{title}</title>" in html
    rows = re.findall(
        r"(Berenice Stowell|Lucan Marwood|Rufus Ashbury) \S+ (The child's record|Who has seen this record) (Seen|Refused)",
        words,
    )
    assert rows == [
        ("Berenice Stowell", "Who has seen this record", "Seen"),
        ("Lucan Marwood", "The child's record", "Seen"),
        ("Rufus Ashbury", "The child's record", "Refused"),
    ]


def test_reads_in_the_administration_are_named_in_plain_words(world: World) -> None:
    access_record(user=world.user("social_worker"), what="childrelationship", child=world.child, allowed=True)
    words = text(
        world.client_for("team_manager").get(f"/children/{world.child.public_id}/access/").content.decode()
    )
    assert "A family relationship, in the administration" in words
    assert "childrelationship" not in words


def test_social_worker_gets_403_for_who_has_seen_the_record(world: World) -> None:
    response = world.client_for("social_worker").get(f"/children/{world.child.public_id}/access/")
    assert response.status_code == 403


@pytest.mark.parametrize("entries", [2, 20])
def test_who_has_seen_needs_the_same_queries_however_many_entries(
    world: World, django_assert_num_queries: AssertNumQueries, entries: int
) -> None:
    viewer = world.client_for("social_worker")
    for _ in range(entries):
        viewer.get(record_url(world.child))
    client = world.client_for("team_manager")
    client.get("/")  # not measured: the session's first request
    # The session, the user, the professional and roles; the child; the access-log row (five); the
    # count for the pages and the entries, each with who it was.
    with django_assert_num_queries(12):  # type: ignore[operator]
        response = client.get(f"/children/{world.child.public_id}/access/")
    assert text(response.content.decode()).count("Lucan Marwood") == entries


# The home page links to the list for those who may see children


@pytest.mark.parametrize(
    ("persona", "linked"),
    [
        ("chair", True),
        ("health_visitor", True),
        ("police_officer", True),
        ("performance_analyst", False),
        ("superuser", False),
    ],
)
def test_home_links_to_children_only_for_those_who_work_with_children(
    world: World, persona: str, linked: bool
) -> None:
    html = world.client_for(persona).get("/").content.decode()
    assert ('href="/children/"' in html) is linked


# Two-factor sign-in comes first


def test_the_pages_wait_for_the_second_factor_before_any_gateway(world: World, settings: Settings) -> None:
    settings.CPCONF_REQUIRE_TWO_FACTOR = True
    before = AccessEntry.objects.count()
    response = world.client_for("social_worker").get(record_url(world.child))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert AccessEntry.objects.count() == before


# How values are shown


@pytest.mark.parametrize(
    ("born", "expected"),
    [(date(2019, 4, 12), "7"), (date(2026, 4, 30), "6 months"), (date(2025, 12, 1), "11 months"),
     (date(2026, 10, 25), "1 month"), (date(2026, 11, 10), "Under 1 month"), (None, "Unborn")],
)  # fmt: skip
def test_ages_are_in_years_months_or_unborn(born: date | None, expected: str) -> None:
    child = Child(date_of_birth=born, expected_delivery_date=date(2027, 1, 1))
    assert age_in_words(child, date(2026, 11, 25)) == expected


def test_nhs_numbers_are_shown_whole_on_the_record_and_by_their_end_in_lists() -> None:
    assert nhs_number_spaced("9434765919") == "943 476 5919"
    assert nhs_number_spaced("") == "Not recorded"
    assert nhs_number_ending("9434765919") == "Ending 919"
    assert nhs_number_ending("") == "Not recorded"


def test_a_client_is_needed(client: Client, db: None) -> None:
    # Signed out: the sign-in page, with the list to come back to.
    response = client.get("/children/")
    assert response.status_code == 302
    assert response.url == "/sign-in/?next=/children/"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 25, 15, 6, tzinfo=UTC), "25 November 2026 at 3:06pm"),  # GMT
        (datetime(2026, 7, 1, 11, 30, tzinfo=UTC), "1 July 2026 at 12:30pm"),  # BST: an hour ahead
        (datetime(2026, 1, 5, 0, 5, tzinfo=UTC), "5 January 2026 at 12:05am"),
        (datetime(2026, 1, 5, 9, 0, tzinfo=UTC), "5 January 2026 at 9:00am"),
    ],
)
def test_times_are_shown_in_englands_time_as_govuk_writes_them(moment: datetime, expected: str) -> None:
    assert time_in_words(moment) == expected
