"""Two first replies recorded at the same moment (R-PR-3): checked under the row lock, so exactly one is
kept and the other is refused, never both written one over the other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from cpconf.conferences.models import Invitation
from cpconf.conferences.services.invitations import AlreadyRepliedError, invitation_record_reply
from tests import factories


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite's in-memory test database is not shared between threads",
)
def test_two_first_replies_at_once_keep_one_and_refuse_the_other() -> None:
    conference = factories.ConferenceFactory()
    invitation = factories.InvitationFactory(conference=conference)
    start = threading.Barrier(2)
    kept: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def reply(answer: str) -> None:
        try:
            mine = Invitation.objects.select_related("conference").get(pk=invitation.pk)
            assert mine.replied_at is None  # both read it unanswered before either writes
            start.wait()
            with transaction.atomic():
                invitation_record_reply(
                    invitation=mine, acting_user=None, reply=answer, how="By phone", replace=False
                )
            kept.append(answer)
        except AlreadyRepliedError:
            refused.append(answer)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reply, args=(answer,)) for answer in ("attending", "not_attending")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(kept) == 1 and len(refused) == 1
    invitation.refresh_from_db()
    assert invitation.reply == kept[0]
