"""The invitation services refuse what cannot be done, in words a person can act on, and write nothing
then (all or nothing); what they do write has its history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cpconf.access.models import AuditEntry
from cpconf.conferences.models import ConferenceStatus, Invitation, InviteeRole, Report
from cpconf.conferences.services.invitations import (
    invitation_add_person,
    invitation_record_how,
    invitation_record_reply,
    invitation_withdraw,
    invitations_add,
    invitations_record_rights,
)
from cpconf.people.models import Professional
from tests import factories
from tests.conferences.conftest import Setting

# The invitation tests share a fixed "now" (31 March 2027) and an empty mail outbox (conftest.py).
pytestmark = pytest.mark.usefixtures("frozen_now", "empty_outbox")


def messages(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return list(error.value.messages)


def test_nothing_to_add_is_refused(setting: Setting) -> None:
    with pytest.raises(ValidationError) as error:
        invitations_add(conference=setting.conference, acting_user=None)
    assert messages(error) == ["Select at least one person to invite."]


def test_one_who_cannot_be_invited_stops_the_rest_with_every_reason(setting: Setting) -> None:
    elsewhere = factories.ProfessionalFactory(
        given_name="Piran", family_name="Vellacott", agency=factories.AgencyFactory(name="Southmoor Police")
    )
    Professional.objects.filter(pk=setting.people["teacher"].pk).update(is_active=False)
    setting.people["teacher"].refresh_from_db()
    unrelated = factories.ChildFactory(
        authority=setting.authority, given_name="Corin", family_name="Halloway"
    )
    with pytest.raises(ValidationError) as error:
        invitations_add(
            conference=setting.conference,
            acting_user=None,
            professionals=[setting.people["social_worker"], elsewhere, setting.people["teacher"]],
            children=[unrelated],
        )
    assert messages(error) == [
        "Piran Vellacott works for another authority and cannot be invited.",
        "Ivo Penhallow has left and cannot be invited.",
        "Corin Halloway is not one of the children this conference is about.",
    ]
    assert not Invitation.objects.exists() and not Report.objects.exists()
    assert not AuditEntry.objects.filter(object_type="conferences.invitation").exists()


def test_nobody_is_invited_twice_and_an_unborn_child_is_not_invited(setting: Setting) -> None:
    invitations_add(
        conference=setting.conference, acting_user=None, family_members=[setting.family["mother"]]
    )
    unborn = factories.ChildFactory(authority=setting.authority, family_name="Ashdown", unborn=True)
    setting.conference.conference_children.create(child=unborn)
    with pytest.raises(ValidationError) as error:
        invitations_add(
            conference=setting.conference,
            acting_user=None,
            family_members=[setting.family["mother"]],
            children=[unborn],
        )
    assert messages(error) == [
        "Sorrel Ashdown is already invited.",
        "Unborn baby Ashdown is not born yet and cannot be invited.",
    ]


def test_a_family_member_of_another_authority_is_refused(setting: Setting) -> None:
    stranger = factories.FamilyMemberFactory(given_name="Zell", family_name="Ombry")
    with pytest.raises(ValidationError, match="belongs to another authority"):
        invitations_add(conference=setting.conference, acting_user=None, family_members=[stranger])


@pytest.mark.parametrize(
    "status", [ConferenceStatus.HELD, ConferenceStatus.CANCELLED, ConferenceStatus.INQUORATE]
)
def test_a_conference_that_is_over_takes_no_changes_to_its_invitations(setting: Setting, status: str) -> None:
    [invitation] = invitations_add(
        conference=setting.conference, acting_user=None, professionals=[setting.people["social_worker"]]
    )
    setting.conference.status = status
    setting.conference.cancelled_reason = "Moved away." if status == ConferenceStatus.CANCELLED else ""
    setting.conference.save()
    invitation.refresh_from_db()
    with pytest.raises(ValidationError, match="its invitations can no longer change"):
        invitations_add(
            conference=setting.conference, acting_user=None, family_members=[setting.family["mother"]]
        )
    with pytest.raises(ValidationError, match="its invitations can no longer change"):
        invitation_add_person(
            conference=setting.conference, acting_user=None, name="Ysolde", email="", role="observer"
        )
    with pytest.raises(ValidationError, match="its invitations can no longer change"):
        invitation_withdraw(invitation=invitation, acting_user=None)


def test_someone_named_on_the_page_needs_a_name_a_role_and_a_good_address(setting: Setting) -> None:
    with pytest.raises(ValidationError) as error:
        invitation_add_person(
            conference=setting.conference,
            acting_user=None,
            name=" ",
            email="nope",
            role=InviteeRole.PROFESSIONAL,
        )
    assert set(error.value.message_dict) == {"name", "email", "role"}
    assert not Invitation.objects.exists()


def test_rights_belong_to_parents_and_children(setting: Setting) -> None:
    [social_worker] = invitations_add(
        conference=setting.conference, acting_user=None, professionals=[setting.people["social_worker"]]
    )
    [mother] = invitations_add(
        conference=setting.conference, acting_user=None, family_members=[setting.family["mother"]]
    )
    with pytest.raises(ValidationError) as error:
        invitations_record_rights(
            conference=setting.conference,
            acting_user=None,
            supporter={social_worker.public_id: True},
            advocate={mother.public_id: True},
        )
    assert sorted(messages(error)) == [
        "Aldous Fenwright is not a parent or carer: the right to a supporter is theirs.",
        "Sorrel Ashdown is not a child of the conference: the right to an advocate is theirs.",
    ]
    mother.refresh_from_db()
    assert mother.told_of_right_to_advocate is False


def test_how_someone_was_invited_is_needed_and_kept_short(setting: Setting) -> None:
    [partner] = invitations_add(
        conference=setting.conference, acting_user=None, family_members=[setting.family["partner"]]
    )
    for value, words in (("  ", "Enter how they were invited"), ("x" * 201, "200 characters or fewer")):
        with pytest.raises(ValidationError, match=words):
            invitation_record_how(invitation=partner, acting_user=None, invited_how=value)
    invitation_withdraw(invitation=partner, acting_user=None)
    with pytest.raises(ValidationError, match="has been withdrawn"):
        invitation_record_how(invitation=partner, acting_user=None, invited_how="By letter")


def test_a_reply_is_not_recorded_for_a_cancelled_conference_or_a_withdrawn_invitation(
    setting: Setting,
) -> None:
    [teacher, social_worker] = invitations_add(
        conference=setting.conference,
        acting_user=None,
        professionals=[setting.people["teacher"], setting.people["social_worker"]],
    )
    invitation_withdraw(invitation=teacher, acting_user=None)
    with pytest.raises(ValidationError, match="has been withdrawn"):
        invitation_record_reply(invitation=teacher, acting_user=None, reply="attending", how="By phone")
    setting.conference.status = ConferenceStatus.CANCELLED
    setting.conference.cancelled_reason = "Moved away."
    setting.conference.save()
    social_worker.refresh_from_db()
    with pytest.raises(ValidationError, match="has been cancelled"):
        invitation_record_reply(invitation=social_worker, acting_user=None, reply="attending", how="By phone")


@pytest.mark.parametrize("status", [ConferenceStatus.HELD, ConferenceStatus.INQUORATE])
def test_a_reply_is_not_recorded_once_the_conference_has_taken_place(setting: Setting, status: str) -> None:
    """R-PR-3: the page and the API refuse alike (the check is the service's); who came is attendance."""
    [teacher] = invitations_add(
        conference=setting.conference, acting_user=None, professionals=[setting.people["teacher"]]
    )
    setting.conference.status = status
    setting.conference.save()
    teacher.refresh_from_db()
    with pytest.raises(ValidationError, match="already taken place"):
        invitation_record_reply(invitation=teacher, acting_user=None, reply="attending", how="By phone")
    teacher.refresh_from_db()
    assert teacher.replied_at is None


def test_withdrawing_a_professional_keeps_the_report_their_agency_owed(setting: Setting) -> None:
    [invitation] = invitations_add(
        conference=setting.conference, acting_user=None, professionals=[setting.people["police_officer"]]
    )
    assert Report.objects.filter(agency=setting.agencies["police"]).exists()
    invitation_withdraw(invitation=invitation, acting_user=None)
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    assert Report.objects.filter(agency=setting.agencies["police"]).exists()  # the history of what was owed
