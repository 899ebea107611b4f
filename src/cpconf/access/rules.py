"""Need-to-know (R-AF-5): who may see which child's record, written once.

Every rule here comes in two forms that must always agree: a ``rules`` predicate that decides for one
child (``may(user, VIEW_CHILD, child)``) and its twin ``Q()`` filter that selects every child a person
may see (``visible_children_filter(user)``), because ``rules`` cannot filter a queryset. A property test
(tests/access/test_rules.py) checks that they agree for random people, roles and allocations.

Who sees what:

* **Social care staff** of an authority see all of that authority's children. Social care staff means
  someone who works for an agency of type "children's social care" *and* holds one of the social care
  roles (``SOCIAL_CARE_ROLES``). Both facts are needed, so that one wrong tick (a chair's role given to a
  police officer, or a social care business-support worker with no role) does not open every child.
* **Anyone else who works with children** (``CASE_ROLES``: an agency professional, or someone with a
  social care role outside children's social care) sees a child only while involved with that child:
  while allocated to the child (``people.Allocation``, its start and end dates included), or while an
  emergency access they opened lasts (break glass: ``BreakGlassGrant``, ``CPCONF_BREAK_GLASS_HOURS``).
  The conferences and plans features add two more ways, at the marked extension points below.
* **Break glass** (``OPEN_IN_EMERGENCY``) is for exactly those people: they may open, in an emergency,
  a record of their own authority that they are not involved with, with a reason, for a few hours, and
  their authority's safeguarding managers are told (``cpconf.access.services.break_glass_open``).
  Social care staff never need it (they see every child of their authority), and nobody else may use
  it: not another authority's staff, a performance analyst, a service account or a superuser.
* **Nobody** sees another authority's children, whatever their roles or allocations.
* A **performance analyst** sees aggregate figures only: the role gives no child's record. A **service
  account** is a machine identity for the API and sees nothing through the pages, whatever other roles
  it holds (an account that is both a machine and a person is a mistake, so it gets the lesser).
  Through the API, signed in with its token, it is its authority's own system and sees that
  authority's enquiries and conferences: see "Service accounts through the API" below.
* A **superuser** administers the system and does not browse children's records through the service
  (security note §3.1: "sysadmin, no case access by default"); they have the administration pages.
* Someone **signed out**, whose account is inactive, who has **no professional record**, or whose record
  is **inactive** (they have left) sees nothing.

Ask ``may(user, permission, obj)``, never ``user.has_perm(...)``: Django answers ``True`` for every active
superuser before it asks any backend, which would hand a superuser every child. (The permissions are
also registered with ``rules``' ObjectPermissionBackend, so ``has_perm`` agrees for everyone else.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q
from rules.permissions import has_perm, set_perm
from rules.predicates import predicate
from rules.rulesets import set_rule

from cpconf import clock
from cpconf.access.models import BreakGlassGrant
from cpconf.people.models import AgencyType, Allocation, Child, Professional, Role, User
from cpconf.people.selectors import allocation_current_on, professional_for_user

if TYPE_CHECKING:
    from cpconf.conferences.models import Conference
    from cpconf.plans.models import ChildProtectionPlan

# The permissions, by name (the "access." prefix is the app label, as Django's permissions have).
SEE_CHILDREN = "access.see_children"  # open the list of children (it shows only those they may see)
VIEW_CHILD = "access.view_child"  # see this child's record
VIEW_CONFIDENTIAL_CONTACT_DETAILS = "access.view_confidential_contact_details"  # of this child's family
VIEW_CHILD_ACCESS_HISTORY = "access.view_child_access_history"  # who has seen this child's record
OPEN_IN_EMERGENCY = "access.open_in_emergency"  # open a record they are not involved with (break glass)
# Conferences (issue 4). A conference is seen by whoever may see every child it is about.
SEE_CONFERENCES = (
    "access.see_conferences"  # open the lists of conferences (they show only those they may see)
)
VIEW_CONFERENCE = "access.view_conference"  # see this conference
MANAGE_CONFERENCE = "access.manage_conference"  # arrange it: schedule, invite, record replies and reports
CHAIR_CONFERENCE = "access.chair_conference"  # decide as its chair: exclusions, withheld report parts
SEND_REPORT = "access.send_report"  # send a report to it for one's own agency (R-PR-4)
REQUEST_EXCLUSION = "access.request_exclusion"  # ask its chair to exclude someone (R-EX-1, R-EX-2)
MANAGE_ENQUIRIES = "access.manage_enquiries"  # record strategy discussions and Section 47 enquiries
REQUEST_REVIEW = "access.request_review"  # ask for the review that follows this held conference (R-CT-2)
# Break glass review (issue 3): the authority's safeguarding managers review each emergency access.
REVIEW_EMERGENCY_ACCESS = "access.review_emergency_access"  # the list of emergency accesses, and each one
# Minutes (issue 5, items 6 and 7; R-EX-5, R-AF-2, R-AF-5).
READ_MINUTES = "access.read_minutes"  # read one's own copy (social care staff: the whole minutes)
PREVIEW_MINUTES = "access.preview_minutes"  # read anyone's copy, to send or check it (social care staff)
WRITE_MINUTES = "access.write_minutes"  # start, draft and circulate: the minute taker, coordinator, chair
APPROVE_MINUTES = "access.approve_minutes"  # approve, sign and date, and amend: the chair
SEE_LATE_CIRCULATION = "access.see_late_circulation"  # the list of minutes and decisions not circulated
# Plans (issue 5): a plan is seen by whoever may see its child; made and changed by the authority's social
# care staff who hold the case or the conference (PLAN_MANAGER_ROLES).
VIEW_PLAN = "access.view_plan"  # see this child protection plan
MANAGE_PLAN = "access.manage_plan"  # change it: what it says, actions, core group (R-PL-1 to R-PL-3)
MAKE_PLAN = "access.make_plan"  # make a plan (or a child in need plan) from this conference's decision
# Plans' follow-up (issue 5, items 3 to 5): core groups, visits, reviews and endings, the overdue lists.
RECORD_CORE_GROUP = "access.record_core_group"  # record a core group meeting for this child's plan (R-PL-3)
RECORD_VISIT = "access.record_visit"  # record a visit to this child (R-PL-4)
RECORD_REVIEW_OUTCOME = (
    "access.record_review_outcome"  # as this review's chair, continue or end plans (R-PL-5)
)
END_PLAN_OUTSIDE_REVIEW = "access.end_plan_outside_review"  # transfer out, 18, death, left the UK (R-PL-5)
RECORD_ENDING_APPROVAL = "access.record_ending_approval"  # a senior manager approved an ending (R-PL-6)
SEE_FOLLOWUP_LISTS = "access.see_followup_lists"  # the overdue core groups, visits and records lists
# Decisions (issue 5): record each agency's view and each child's decision (R-DE-2, R-DE-3).
RECORD_DECISION = "access.record_decision"

# The roles of an authority's children's social care staff. The authority administrator is one: they
# keep the authority's children and families up to date in the administration already, so hiding the
# same records from them in the service would protect nothing.
SOCIAL_CARE_ROLES = frozenset(
    {
        Role.AUTHORITY_ADMINISTRATOR,
        Role.CONFERENCE_COORDINATOR,
        Role.CHAIR,
        Role.MINUTE_TAKER,
        Role.TEAM_MANAGER,
        Role.SOCIAL_WORKER,
        Role.LEAD_CHILD_PROTECTION_PRACTITIONER,
        Role.SAFEGUARDING_MANAGER,
    }
)
# The roles of people who work with individual children, and so may see a child they are involved with.
# Not the performance analyst (figures only) nor the service account (no person).
CASE_ROLES = SOCIAL_CARE_ROLES | {Role.AGENCY_PROFESSIONAL}
# Who may see who has seen a child's record: the managers who answer for the team's use of it.
ACCESS_HISTORY_ROLES = frozenset({Role.TEAM_MANAGER, Role.SAFEGUARDING_MANAGER})

# Plans (issue 5): the social care roles that make and change plans. Not the minute taker, the safeguarding
# manager or the authority administrator: they see plans, but the plan is the case's and the conference's.
PLAN_MANAGER_ROLES = frozenset(
    {
        Role.SOCIAL_WORKER,
        Role.LEAD_CHILD_PROTECTION_PRACTITIONER,
        Role.TEAM_MANAGER,
        Role.CONFERENCE_COORDINATOR,
        Role.CHAIR,
    }
)

# How long after a conference an invited professional still sees its children: long enough to read and
# correct the minutes (Staffordshire allows amendments for 28 working days, R-AF-2).
INVITATION_ACCESS_DAYS = 60

# A filter that matches no child: Django runs no query for it at all.
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Actor:
    """What the rules need to know about the person asking, loaded once per request."""

    user: User | AnonymousUser
    professional: Professional | None
    roles: frozenset[str]
    # Signed in to the JSON API with a token, not with a session ("Service accounts through the API").
    by_api_token: bool = False

    @property
    def authority_id(self) -> int | None:
        return None if self.professional is None else self.professional.agency.authority_id


def actor_for(user: User | AnonymousUser) -> Actor:
    """The person asking, with their active professional record and roles (shared with the page header,
    see ``professional_for_user``)."""
    professional = professional_for_user(user)
    roles = frozenset() if professional is None else frozenset(held.role for held in professional.roles.all())
    by_api_token = bool(getattr(user, API_SIGN_IN_MARK, False))
    return Actor(user=user, professional=professional, roles=roles, by_api_token=by_api_token)


# What is true of the person, whichever child they ask about. Each is a plain function of the Actor,
# used by the predicates below and by the filters, so that both say the same.


def _is_signed_in(actor: Actor) -> bool:
    # An inactive account cannot sign in, but a session may outlive the change: check again here.
    return bool(actor.user.is_authenticated and actor.user.is_active)


def _is_superuser(actor: Actor) -> bool:
    return bool(actor.user.is_superuser)


def _has_active_professional_record(actor: Actor) -> bool:
    # professional_for_user returns only an active record, so a leaver has none.
    return actor.professional is not None


def _is_service_account(actor: Actor) -> bool:
    return Role.SERVICE_ACCOUNT in actor.roles


def _is_social_care_staff(actor: Actor) -> bool:
    # Both the agency and a role (see the module docstring): either alone is one tick away from a mistake.
    return (
        actor.professional is not None
        and actor.professional.agency.agency_type == AgencyType.CHILDRENS_SOCIAL_CARE
        and bool(actor.roles & SOCIAL_CARE_ROLES)
    )


def _works_with_children(actor: Actor) -> bool:
    return bool(actor.roles & CASE_ROLES)


def _manages_use_of_records(actor: Actor) -> bool:
    return bool(actor.roles & ACCESS_HISTORY_ROLES)


def _may_see_any_child(actor: Actor) -> bool:
    """The conditions on the person alone: if any fails they see no child at all."""
    # Signed out, or the account was made inactive.
    if not _is_signed_in(actor):
        return False
    # A superuser administers the system; children's records are for the people who work with them.
    if _is_superuser(actor):
        return False
    # No professional record, or an inactive one (they have left): no authority, so no children.
    if not _has_active_professional_record(actor):
        return False
    # A machine identity never sees a record through the pages, whatever other roles it holds.
    if _is_service_account(actor):
        return False
    # Only someone who works with children: not a performance analyst (figures only), nor no role.
    return _works_with_children(actor)


# What is true of the person and one child: each filter is the twin of the predicate below it.


def _same_authority_filter(actor: Actor) -> Q:
    return Q(authority_id=actor.authority_id)


def _allocated_filter(actor: Actor) -> Q:
    """Children the person is allocated to today (the allocation's start and end dates included)."""
    current = Allocation.objects.filter(
        allocation_current_on(clock.today()), child=OuterRef("pk"), professional=actor.professional
    )
    return Q(Exists(current))


def _break_glass_filter(actor: Actor) -> Q:
    """Children the person opened in an emergency, while that access lasts (from its start, up to but not
    including its end)."""
    if not actor.user.is_authenticated:
        return NOTHING
    now = clock.now()
    unexpired = BreakGlassGrant.objects.filter(
        child=OuterRef("pk"), user_id=actor.user.pk, started_at__lte=now, expires_at__gt=now
    )
    return Q(Exists(unexpired))


def _invited_filter(actor: Actor) -> Q:
    """Children of a conference the person is invited to (R-AF-5): from the invitation while the conference
    is still to happen, and for ``INVITATION_ACCESS_DAYS`` after its date; never for a cancelled one or a
    withdrawn invitation."""
    # Imported here: the conferences app's models import the people app, as this module does.
    from cpconf.conferences.models import OPEN_STATUSES, ConferenceStatus, Invitation

    if actor.professional is None:
        return NOTHING
    recent = clock.now() - timedelta(days=INVITATION_ACCESS_DAYS)
    invited = Invitation.objects.filter(
        Q(conference__status__in=OPEN_STATUSES)
        | (~Q(conference__status=ConferenceStatus.CANCELLED) & Q(conference__starts_at__gte=recent)),
        conference__conference_children__child=OuterRef("pk"),
        professional=actor.professional,
        withdrawn_at__isnull=True,
    )
    return Q(Exists(invited))


def _core_group_filter(actor: Actor) -> Q:
    """Children in whose core group the person is (R-PL-3, R-AF-5): from the day they joined, until the day
    they left (``left_on``: that day and after, they see nothing through it), while the plan has not ended."""
    # Imported here: the plans app's models import the people app, as this module does.
    from cpconf.plans.models import CoreGroupMember, PlanStatus

    if actor.professional is None:
        return NOTHING
    today = clock.today()
    member = CoreGroupMember.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=today),
        plan__child=OuterRef("pk"),
        professional=actor.professional,
        joined_on__lte=today,
    ).exclude(plan__status=PlanStatus.ENDED)
    return Q(Exists(member))


# R-AF-5: the ways someone who is not social care staff becomes involved with a child. Each filter
# selects the children the person is involved with in that way. Each new way needs rows in the property
# test (tests/access/test_rules.py) and a persona that uses it.
INVOLVEMENT_FILTERS = (_allocated_filter, _invited_filter, _break_glass_filter, _core_group_filter)


def _involved_filter(actor: Actor) -> Q:
    involved = NOTHING
    for involvement in INVOLVEMENT_FILTERS:
        involved |= involvement(actor)
    return involved


def visible_children_filter(user: User | AnonymousUser) -> Q:
    """The children ``user`` may see, as a filter on Child: the twin of the ``VIEW_CHILD`` predicate."""
    actor = actor_for(user)
    if not _may_see_any_child(actor):
        return NOTHING
    # Nobody sees another authority's children (R-AF-5).
    same_authority = _same_authority_filter(actor)
    # Social care staff see all of their authority's children.
    if _is_social_care_staff(actor):
        return same_authority
    # Anyone else who works with children sees those they are involved with.
    return same_authority & _involved_filter(actor)


def visible_conferences_filter(user: User | AnonymousUser) -> Q:
    """The conferences ``user`` may see, as a filter on Conference: those of their authority every one of
    whose children they may see (the twin of the ``VIEW_CONFERENCE`` predicate)."""
    from cpconf.conferences.models import ConferenceChild

    actor = actor_for(user)
    authority_id = actor.authority_id
    # An authority's own system, through the API (the section below), sees its conferences as social care
    # staff do; through the pages it is refused by _may_see_any_child.
    system = _is_api_service_account(actor)
    if not (system or _may_see_any_child(actor)) or authority_id is None:
        return NOTHING
    children = ConferenceChild.objects.filter(conference=OuterRef("pk"))
    # Of their own authority, and about none of another's (the services never mix them; the rules hold
    # even if the data did).
    same_authority = (
        Q(authority_id=authority_id)
        & Q(Exists(children))
        & ~Q(Exists(children.exclude(child__authority_id=authority_id)))
    )
    if system or _is_social_care_staff(actor):
        return same_authority
    unseen = children.exclude(child__in=Child.objects.filter(visible_children_filter(user)))
    return same_authority & ~Q(Exists(unseen))


# ---- Service accounts through the API (issue 4, item 10) ---------------------------------------------
#
# A service account is an authority's own system (its case management system, its returns tooling). It
# uses the JSON API (``cpconf.api``, docs/api.md) with a token, and never the pages. Signed in with its
# token, and only then, it may:
#
# * see every conference and every Section 47 enquiry of its own authority, and never another
#   authority's (it answers for the authority's records, not for one child's case): the branch of
#   ``visible_conferences_filter`` above and ``service_account_sees`` below, and ``MANAGE_ENQUIRIES``;
# * record what such a system records: strategy discussions, Section 47 enquiries and their outcome
#   (which requests the initial conference, R-CT-1), and requests for a review (R-CT-2) or a
#   transfer-in conference (R-CT-4);
# * and nothing that arranges or decides a conference (schedule, cancel, held, adjourned): those are a
#   coordinator's and a chair's acts, and invitations and letters hang on them, so a person does them.
#   It never sees a child's record either.
#
# Through the pages it still sees nothing: ``_may_see_any_child`` refuses it whatever its roles, and a
# page's user comes from a session, which is never marked as signed in with a token. "Through the API"
# is how the request was authenticated: the API's token check marks the user object it loads
# (``mark_signed_in_by_api_token``). A person using the API with a session gets exactly what the pages
# give them. tests/api/test_rules.py checks each predicate here against its filter.

# The mark on a user object loaded by the API's token check (it lives as long as that object: one request).
API_SIGN_IN_MARK = "_cpconf_signed_in_by_api_token"


def mark_signed_in_by_api_token(user: User) -> None:
    """Mark ``user`` as signed in to the API with a token: for ``cpconf.api.auth`` only."""
    setattr(user, API_SIGN_IN_MARK, True)


def _is_api_service_account(actor: Actor) -> bool:
    """An authority's own system, signed in to the API with its token."""
    return (
        actor.by_api_token
        # Its account and its professional record are open (the token check refuses them otherwise too).
        and _is_signed_in(actor)
        and _has_active_professional_record(actor)
        # A superuser is never an authority's system.
        and not _is_superuser(actor)
        and _is_service_account(actor)
    )


def _manages_enquiries(actor: Actor) -> bool:
    """Social care staff, whose work the enquiries are, and the authority's own system. (A service
    account holding a social care role is no person: it is refused through the pages.)"""
    return _is_api_service_account(actor) or (_may_see_any_child(actor) and _is_social_care_staff(actor))


@predicate
def is_api_service_account(user: Any) -> bool:
    return _is_api_service_account(_actor(user))


@predicate
def manages_enquiries(user: Any) -> bool:
    return _manages_enquiries(_actor(user))


@predicate
def service_account_sees(user: Any, conference: Conference | None) -> bool:
    """Twin of the service account's branch of ``visible_conferences_filter``: the same filter, asked of
    this one conference (one query)."""
    if conference is None or conference.pk is None or not _is_api_service_account(_actor(user)):
        return False
    model = type(conference)
    return bool(model.objects.filter(pk=conference.pk).filter(visible_conferences_filter(user)).exists())


# The predicates, for one person (and one child). ``rules`` calls them with None for a missing child.


def _actor(user: Any) -> Actor:
    return actor_for(user if user is not None else AnonymousUser())


@predicate
def may_see_any_child(user: Any) -> bool:
    return _may_see_any_child(_actor(user))


@predicate
def is_social_care_staff(user: Any) -> bool:
    return _is_social_care_staff(_actor(user))


@predicate
def manages_use_of_records(user: Any) -> bool:
    return _manages_use_of_records(_actor(user))


@predicate
def is_someone_for_whom_break_glass_is_meant(user: Any) -> bool:
    # Someone who works with children but sees only those they are involved with.
    actor = _actor(user)
    return _may_see_any_child(actor) and not _is_social_care_staff(actor)


@predicate
def belongs_to_childs_authority(user: Any, child: Child | None) -> bool:
    # Twin of _same_authority_filter.
    actor = _actor(user)
    return child is not None and actor.authority_id is not None and child.authority_id == actor.authority_id


@predicate
def is_involved_with_child(user: Any, child: Child | None) -> bool:
    # Twin of _involved_filter: the same filter, asked of this one child (one query).
    if child is None or child.pk is None:
        return False
    actor = _actor(user)
    return Child.objects.filter(pk=child.pk).filter(_involved_filter(actor)).exists()


view_child = may_see_any_child & belongs_to_childs_authority & (is_social_care_staff | is_involved_with_child)


@predicate
def may_see_conference(user: Any, conference: Conference | None) -> bool:
    # Twin of visible_conferences_filter: the same filter, asked of this one conference (one query).
    if conference is None or conference.pk is None:
        return False
    actor = _actor(user)
    if not _may_see_any_child(actor) or conference.authority_id != actor.authority_id:
        return False
    model = type(conference)
    return model.objects.filter(pk=conference.pk).filter(visible_conferences_filter(user)).exists()


@predicate
def chairs_conference(user: Any, conference: Conference | None) -> bool:
    """The conference's chair; before a chair is named, anyone who holds the chair's role (R-EX-1)."""
    actor = _actor(user)
    if conference is None or actor.professional is None:
        return False
    if conference.chair_id is not None:
        return bool(conference.chair_id == actor.professional.pk)
    return Role.CHAIR in actor.roles


@predicate
def is_conference_coordinator(user: Any) -> bool:
    """Holds the conference coordinator's role: records at the conference for its chair (issue 5)."""
    return Role.CONFERENCE_COORDINATOR in _actor(user).roles


@predicate
def agency_owes_report(user: Any, conference: Conference | None) -> bool:
    """The person's agency owes this conference a report (R-PR-4)."""
    actor = _actor(user)
    if conference is None or conference.pk is None or actor.professional is None:
        return False
    return bool(conference.reports.filter(agency_id=actor.professional.agency_id).exists())


@predicate
def is_invited_professional(user: Any, conference: Conference | None) -> bool:
    """The person is invited to this conference as a professional (not as an observer), and the invitation
    stands (R-PR-2)."""
    actor = _actor(user)
    if conference is None or conference.pk is None or actor.professional is None:
        return False
    from cpconf.conferences.models import InviteeRole

    return bool(
        conference.invitations.filter(
            professional=actor.professional, role=InviteeRole.PROFESSIONAL, withdrawn_at__isnull=True
        ).exists()
    )


# Break glass review (issue 3): the safeguarding manager of the authority whose child's record was opened
# in an emergency. Children's social care staff with the role, as for "who has seen this record" (a
# health safeguarding lead could not open the child's record, so cannot judge what was read).


@predicate
def is_safeguarding_manager(user: Any) -> bool:
    return Role.SAFEGUARDING_MANAGER in _actor(user).roles


@predicate
def list_or_grant_of_own_authority(user: Any, grant: BreakGlassGrant | None) -> bool:
    """Asked without an emergency access: the list, which shows only the person's own authority's. Asked
    of one: it was to a child of the person's own authority."""
    if grant is None:
        return True
    actor = _actor(user)
    return actor.authority_id is not None and bool(grant.child.authority_id == actor.authority_id)


# Minutes (issue 5): who writes them.


@predicate
def takes_minutes(user: Any, conference: Conference | None) -> bool:
    """The conference's minute taker (before one is named, anyone with the minute taker's role), a
    conference coordinator, or the conference's chair (R-AF-2: they draft and circulate the minutes)."""
    actor = _actor(user)
    if conference is None or actor.professional is None:
        return False
    if conference.minute_taker_id is not None and conference.minute_taker_id == actor.professional.pk:
        return True
    if conference.minute_taker_id is None and Role.MINUTE_TAKER in actor.roles:
        return True
    if Role.CONFERENCE_COORDINATOR in actor.roles:
        return True
    return bool(chairs_conference(user, conference))


# Plans (issue 5).


def _manages_plans(actor: Actor) -> bool:
    return (
        _may_see_any_child(actor) and _is_social_care_staff(actor) and bool(actor.roles & PLAN_MANAGER_ROLES)
    )


@predicate
def manages_plans(user: Any) -> bool:
    return _manages_plans(_actor(user))


@predicate
def may_see_plan(user: Any, plan: ChildProtectionPlan | None) -> bool:
    """Whoever may see the plan's child (R-AF-5)."""
    if plan is None or plan.pk is None:
        return False
    return bool(view_child(user, plan.child))


@predicate
def may_manage_plan(user: Any, plan: ChildProtectionPlan | None) -> bool:
    """Social care staff of the plan's authority who make and change plans."""
    if plan is None or plan.pk is None:
        return False
    actor = _actor(user)
    return (
        _manages_plans(actor)
        and plan.authority_id == actor.authority_id
        and bool(view_child(user, plan.child))
    )


PERMISSIONS = {
    SEE_CHILDREN: may_see_any_child,
    VIEW_CHILD: view_child,
    # Confidential addresses, phone numbers and emails (after domestic abuse, for example) stay with
    # social care; an agency professional sees that they are withheld (security note §0: deny by default).
    # (The cheap checks of the person come first: rules stops at the first that fails.)
    VIEW_CONFIDENTIAL_CONTACT_DETAILS: is_social_care_staff & view_child,
    VIEW_CHILD_ACCESS_HISTORY: is_social_care_staff & manages_use_of_records & view_child,
    # Break glass: the page, for the person alone. Which child they may open is the service's question:
    # one of their own authority (it searches nowhere else) that they cannot already see.
    OPEN_IN_EMERGENCY: is_someone_for_whom_break_glass_is_meant,
    # An authority's own system sees its conferences through the API (never the pages).
    SEE_CONFERENCES: may_see_any_child | is_api_service_account,
    VIEW_CONFERENCE: may_see_conference | service_account_sees,
    MANAGE_CONFERENCE: is_social_care_staff & may_see_conference,
    # Decisions that are the chair's own (R-EX-1, R-PR-6). Only social care staff chair conferences.
    CHAIR_CONFERENCE: is_social_care_staff & chairs_conference & may_see_conference,
    SEND_REPORT: may_see_conference & (is_social_care_staff | agency_owes_report),
    # R-EX-2: agencies tell the chair when an exclusion may be needed. Social care staff may ask, and so
    # may any professional invited to the conference; a professional who merely sees its children (an
    # allocated health visitor not invited, someone who opened a record in an emergency) may not.
    REQUEST_EXCLUSION: may_see_conference & (is_social_care_staff | is_invited_professional),
    # Enquiries (reading and recording them) are social care's work, and the authority's own system's
    # through the API; the pages and the API scope them to the person's authority.
    MANAGE_ENQUIRIES: manages_enquiries,
    # Asking for the review that follows a held conference: whoever arranges conferences, and the
    # authority's own system (which does not arrange or decide them: see the section above). A
    # transfer-in conference is asked for by whoever manages enquiries, as the pages do.
    REQUEST_REVIEW: (is_social_care_staff & may_see_conference) | service_account_sees,
    # Break glass review (issue 3): without an object, the list (of the person's own authority only);
    # with an emergency access, that one, if it was to a child of their authority.
    REVIEW_EMERGENCY_ACCESS: may_see_any_child
    & is_social_care_staff
    & is_safeguarding_manager
    & list_or_grant_of_own_authority,
    # Minutes (issue 5; R-EX-5, R-AF-2, R-AF-5). Built on being invited or being social care staff,
    # never on view_child: someone who opened a record in an emergency reads no minutes.
    READ_MINUTES: may_see_conference & (is_social_care_staff | is_invited_professional),
    PREVIEW_MINUTES: is_social_care_staff & may_see_conference,
    WRITE_MINUTES: is_social_care_staff & takes_minutes & may_see_conference,
    APPROVE_MINUTES: is_social_care_staff & chairs_conference & may_see_conference,
    SEE_LATE_CIRCULATION: may_see_any_child & is_social_care_staff,
    # Plans (issue 5): seen by whoever sees the child; made and changed by the social care staff who hold
    # the case or the conference (PLAN_MANAGER_ROLES).
    VIEW_PLAN: may_see_plan,
    MANAGE_PLAN: may_manage_plan,
    MAKE_PLAN: manages_plans & may_see_conference,
    # Decisions (issue 5, R-DE-2, R-DE-3): the chair's, recorded by the chair or by a conference
    # coordinator for the chair. Never the authority's own system: a person decides.
    RECORD_DECISION: is_social_care_staff
    & may_see_conference
    & (chairs_conference | is_conference_coordinator),
    # EXTENSION POINT (conferences): what is withheld from everyone but named recipients (the minutes of
    # a part someone was excluded from, R-EX-5; report parts withheld with the chair's agreement, R-PR-6)
    # gets permissions of its own that name who receives it. Never build them on view_child or
    # is_involved_with_child: those are true for someone who opened the record in an emergency, and
    # break glass must never reveal what is withheld (issue item 4). The same holds for confidential
    # contact details above: a person who breaks glass is never social care staff, so they stay withheld.
    # Plans' follow-up (issue 5, items 3 to 5): social care's work on a child they may see. The review's
    # outcome is its chair's to record (R-PL-5, R-PL-6). The overdue lists show only visible children.
    RECORD_CORE_GROUP: is_social_care_staff & view_child,
    RECORD_VISIT: is_social_care_staff & view_child,
    RECORD_REVIEW_OUTCOME: is_social_care_staff & chairs_conference & may_see_conference,
    END_PLAN_OUTSIDE_REVIEW: is_social_care_staff & view_child,
    RECORD_ENDING_APPROVAL: is_social_care_staff & view_child,
    SEE_FOLLOWUP_LISTS: may_see_any_child & is_social_care_staff,
}

for _name, _predicate in PERMISSIONS.items():
    # As a permission for rules' ObjectPermissionBackend (user.has_perm), and as a rule for templates'
    # {% test_rule %}, which (unlike {% has_perm %}) does not let every superuser through.
    set_perm(_name, _predicate)
    set_rule(_name, _predicate)


def may(
    user: User | AnonymousUser,
    permission: str,
    obj: Child | Conference | BreakGlassGrant | ChildProtectionPlan | None = None,
) -> bool:
    """Whether ``user`` has ``permission`` (on ``obj``). Use this, never ``user.has_perm``."""
    if permission not in PERMISSIONS:
        raise KeyError(f"{permission!r} is not a cpconf.access permission.")
    return bool(has_perm(permission, user, obj))
