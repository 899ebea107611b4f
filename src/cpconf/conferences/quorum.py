"""Whether a conference will be quorate (R-QU-1), from what each agency has said: a pure function.

``assess`` takes the authority's quorum rule (``Policy.quorum``) and where each agency stands (invited or
not, its reply, whether it contributed to the Section 47 enquiry, whether its report has arrived), and says
in plain English whether the conference is quorate, at risk, or not quorate, and why. No database and no
Django here: ``cpconf.conferences.selectors.quorum`` loads the facts and calls it.

How agencies are counted:

* An agency that said it will attend, or that it is sending a colleague (R-PR-3), counts as attending. One
  that has not replied may still come: the conference is then **at risk**, not lost.
* Agencies count by what they do (children's social care, police, health, education and so on), so two
  police units are one police presence. Health provider services count separately where the policy says
  so (Staffordshire: "different health care provider services may be considered to have separate agency
  function"); an agency of type "other" always counts on its own.
* Staffordshire counts only the agencies that contributed to the enquiry (``contributed_to_enquiry``).
* Without a rule, children's social care, police and health are the floor (R-PR-2, R-QU-1).

If the conference is not quorate on the day, the chair decides whether there is enough information to go
ahead (R-QU-2); the reports that have arrived are part of that, so they are noted here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from cpconf.timescales import Agency, QuorumRule

__all__ = [
    "FLOOR",
    "AgencyStanding",
    "Expected",
    "Outcome",
    "QuorumAssessment",
    "assess",
    "expected_from_reply",
    "policy_agency",
]


class Expected(StrEnum):
    """What an agency has said about attending (R-PR-3), or that it has not been invited."""

    ATTENDING = "attending"
    SENDING_COLLEAGUE = "sending_colleague"
    NOT_ATTENDING = "not_attending"
    NO_REPLY = "no_reply"
    NOT_INVITED = "not_invited"


#: Replies that mean someone from the agency will be there.
_COMING = frozenset({Expected.ATTENDING, Expected.SENDING_COLLEAGUE})
#: When an agency has several invitations, the most hopeful reply speaks for it.
_HOPE = (
    Expected.ATTENDING,
    Expected.SENDING_COLLEAGUE,
    Expected.NO_REPLY,
    Expected.NOT_ATTENDING,
    Expected.NOT_INVITED,
)


def expected_from_reply(reply: str) -> Expected:
    """The invitation's stored reply (``Invitation.reply``: "", "attending", "not_attending",
    "sending_colleague") as an expectation."""
    return Expected(reply) if reply else Expected.NO_REPLY


def most_hopeful(expectations: Iterable[Expected]) -> Expected:
    """What an agency with several invitations is expected to do: its most hopeful reply."""
    found = set(expectations)
    return next((expected for expected in _HOPE if expected in found), Expected.NOT_INVITED)


class Outcome(StrEnum):
    QUORATE = "quorate"
    AT_RISK = "at_risk"
    NOT_QUORATE = "not_quorate"


def policy_agency(agency_type: str) -> Agency | None:
    """The policy's name for an agency type of the data model ("childrens_social_care" is
    "childrens-social-care"); None for "other" and for any type the policies do not name."""
    try:
        return Agency(agency_type.replace("_", "-"))
    except ValueError:
        return None


@dataclass(frozen=True)
class AgencyStanding:
    """One agency, as the quorum sees it."""

    name: str
    #: The data model's ``AgencyType`` value, with underscores ("childrens_social_care", "other").
    agency_type: str
    contributed_to_enquiry: bool = False
    expected: Expected = Expected.NO_REPLY
    report_received: bool = False

    @property
    def agency(self) -> Agency | None:
        return policy_agency(self.agency_type)

    @property
    def coming(self) -> bool:
        return self.expected in _COMING


#: With no rule: children's social care, police and health (R-PR-2; Medway's minimum, R-QU-1).
FLOOR = (Agency.CHILDRENS_SOCIAL_CARE, Agency.POLICE, Agency.HEALTH)


@dataclass(frozen=True)
class _Words:
    subject: str  # at the start of a sentence
    inside: str  # inside a sentence
    verb: str  # "has" or "have"
    pronoun: str  # "it" or "they"
    whom: str  # after "Nobody from"


_AGENCY_WORDS = {
    Agency.CHILDRENS_SOCIAL_CARE: _Words(
        "Children's social care", "children's social care", "has", "it", "children's social care"
    ),
    Agency.POLICE: _Words("Police", "police", "have", "they", "the police"),
    Agency.HEALTH: _Words("Health", "health", "has", "it", "health"),
    Agency.EDUCATION: _Words("Education", "education", "has", "it", "education"),
    Agency.PROBATION: _Words("Probation", "probation", "has", "it", "probation"),
    Agency.CAFCASS: _Words("Cafcass", "Cafcass", "has", "it", "Cafcass"),
    Agency.HOUSING: _Words("Housing", "housing", "has", "it", "housing"),
    Agency.SUBSTANCE_MISUSE: _Words(
        "Substance misuse services", "substance misuse services", "have", "they", "substance misuse services"
    ),
    Agency.DOMESTIC_ABUSE: _Words(
        "Domestic abuse services", "domestic abuse services", "have", "they", "domestic abuse services"
    ),
}


def _join(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _agencies_in_words(agencies: Sequence[Agency]) -> str:
    words = [_AGENCY_WORDS[agency] for agency in agencies]
    return _join([words[0].subject, *(word.inside for word in words[1:])]) if words else ""


@dataclass(frozen=True)
class _Check:
    outcome: Outcome
    sentence: str


@dataclass(frozen=True)
class QuorumAssessment:
    """The answer: quorate, at risk or not quorate, the rule in words, why, and what else the chair should
    know (reports from agencies that cannot attend, R-QU-2)."""

    outcome: Outcome
    rule_in_words: str
    reasons: tuple[str, ...]
    notes: tuple[str, ...] = ()
    #: The agencies expected, by name, in the order given.
    attending: tuple[str, ...] = ()

    @property
    def headline(self) -> str:
        return {
            Outcome.QUORATE: "The conference is quorate",
            Outcome.AT_RISK: "The conference may not be quorate",
            Outcome.NOT_QUORATE: "The conference is not quorate",
        }[self.outcome]

    @property
    def is_quorate(self) -> bool:
        return self.outcome is Outcome.QUORATE


def _rule_in_words(rule: QuorumRule | None, needed_by: str) -> str:
    if rule is None:
        return (
            "At least children's social care, police and health attend: the national minimum, as your "
            "authority's policy sets no quorum of its own."
        )
    parts = []
    if rule.minimum_agencies is not None:
        which = " that contributed to the Section 47 enquiry" if rule.contributed_to_enquiry else ""
        health = (
            "; each health provider service counts as its own agency"
            if (rule.health_providers_count_separately)
            else ""
        )
        parts.append(f"at least {rule.minimum_agencies} agencies{which} attend{health}")
    if rule.required_agencies:
        inside = [_AGENCY_WORDS[agency].inside for agency in rule.required_agencies]
        parts.append(f"{_join(inside)} attend")
    words = " and ".join(parts)
    return f"{needed_by}: {words}."


def _required(agencies: Sequence[AgencyStanding], required: Sequence[Agency]) -> list[_Check]:
    """R-QU-1 (Medway; the national floor): each named agency must be there."""
    checks: list[_Check] = []
    coming: list[Agency] = []
    for wanted in required:
        words = _AGENCY_WORDS[wanted]
        of_kind = [standing for standing in agencies if standing.agency is wanted]
        if any(standing.coming for standing in of_kind):
            coming.append(wanted)
        elif any(standing.expected is Expected.NO_REPLY for standing in of_kind):
            checks.append(_Check(Outcome.AT_RISK, f"{words.subject} {words.verb} not replied."))
        elif any(standing.expected is Expected.NOT_ATTENDING for standing in of_kind):
            checks.append(
                _Check(
                    Outcome.NOT_QUORATE,
                    f"{words.subject} {words.verb} said {words.pronoun} cannot attend.",
                )
            )
        else:
            checks.append(_Check(Outcome.NOT_QUORATE, f"Nobody from {words.whom} has been invited."))
    if coming:
        plural = len(coming) > 1 or _AGENCY_WORDS[coming[0]].verb == "have"
        verb, pronoun = ("have", "they") if plural else ("has", "it")
        sentence = f"{_agencies_in_words(coming)} {verb} said {pronoun} will attend."
        checks.append(_Check(Outcome.QUORATE, sentence))
    return checks


def _function(standing: AgencyStanding, rule: QuorumRule) -> tuple[str, ...]:
    """What the agency counts as: its function, or itself (a health provider where the policy says so, or
    an agency the policies do not name)."""
    agency = standing.agency
    if agency is None:
        return ("other", standing.name)
    if agency is Agency.HEALTH and rule.health_providers_count_separately:
        return (agency.value, standing.name)
    return (agency.value,)


def _minimum(
    agencies: Sequence[AgencyStanding], rule: QuorumRule, needed: int, needed_by: str
) -> list[_Check]:
    """R-QU-1 (Staffordshire): at least ``needed`` agencies (that contributed to the enquiry) attend."""
    if rule.contributed_to_enquiry:
        eligible = [standing for standing in agencies if standing.contributed_to_enquiry]
        one, many = "agency that contributed to the enquiry", "agencies that contributed to the enquiry"
    else:
        eligible = list(agencies)
        one, many = "agency", "agencies"
    checks: list[_Check] = []
    if rule.contributed_to_enquiry and not eligible:
        checks.append(
            _Check(Outcome.NOT_QUORATE, "No agency is recorded as having contributed to the enquiry.")
        )
    coming = [standing for standing in eligible if standing.coming]
    counted = {_function(standing, rule) for standing in coming}
    names = [standing.name for standing in coming]
    if len(counted) >= needed:
        checks.append(
            _Check(Outcome.QUORATE, f"{len(counted)} {many} have said they will attend: {_join(names)}.")
        )
        return checks
    if not counted:
        short = f"No {one} has said it will attend: {needed_by} needs {needed}."
    elif len(counted) == 1:
        short = f"Only 1 {one} has said it will attend: {needed_by} needs {needed}."
    else:
        short = f"Only {len(counted)} {many} have said they will attend: {needed_by} needs {needed}."
    if len(names) > len(counted):
        short += f" Agencies that do the same work count once: {_join(names)} count as {len(counted)}."
    waiting = [
        standing
        for standing in eligible
        if standing.expected is Expected.NO_REPLY and _function(standing, rule) not in counted
    ]
    could_come = counted | {_function(standing, rule) for standing in waiting}
    if len(could_come) >= needed:
        checks.append(_Check(Outcome.AT_RISK, short))
        waiting_names = [standing.name for standing in waiting]
        verb = "have" if len(waiting_names) > 1 else "has"
        checks.append(_Check(Outcome.AT_RISK, f"{_join(waiting_names)} {verb} not replied yet."))
    else:
        checks.append(_Check(Outcome.NOT_QUORATE, short))
    return checks


def _notes(agencies: Sequence[AgencyStanding]) -> tuple[str, ...]:
    """R-PR-4, R-DE-2, R-QU-2: an agency that cannot attend still owes its report, which is how its view
    reaches the conference."""
    notes = []
    for standing in agencies:
        if standing.expected is not Expected.NOT_ATTENDING:
            continue
        if standing.report_received:
            notes.append(f"{standing.name} cannot attend; its report has arrived.")
        else:
            notes.append(f"{standing.name} cannot attend and its report has not arrived.")
    return tuple(notes)


_ORDER = {Outcome.NOT_QUORATE: 0, Outcome.AT_RISK: 1, Outcome.QUORATE: 2}


def assess(
    rule: QuorumRule | None,
    agencies: Sequence[AgencyStanding],
    *,
    needed_by: str = "Your authority's policy",
) -> QuorumAssessment:
    """Whether the conference is quorate under ``rule`` (R-QU-1), given where each agency stands.

    ``needed_by`` names the policy in the reasons ("Staffordshire and Stoke-on-Trent needs 3").
    """
    checks: list[_Check] = []
    if rule is None:
        checks.extend(_required(agencies, FLOOR))
    else:
        if rule.minimum_agencies is not None:
            checks.extend(_minimum(agencies, rule, rule.minimum_agencies, needed_by))
        if rule.required_agencies:
            checks.extend(_required(agencies, rule.required_agencies))
    outcome = min((check.outcome for check in checks), key=_ORDER.__getitem__, default=Outcome.QUORATE)
    ordered = sorted(checks, key=lambda check: _ORDER[check.outcome])
    return QuorumAssessment(
        outcome=outcome,
        rule_in_words=_rule_in_words(rule, needed_by),
        reasons=tuple(check.sentence for check in ordered),
        notes=_notes(agencies),
        attending=tuple(standing.name for standing in agencies if standing.coming),
    )
