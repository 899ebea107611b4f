"""The events that start a statutory clock and the deadlines each one sets: names are a stable interface.

The product, the `cpconf due` command and the policy profiles all use these names. A profile may set
any of these deadlines and no others (a typo in a profile must fail loudly, not drop a rule), and the
deadlines of an event are always returned in the order listed here.
"""

from __future__ import annotations

#: Deadlines that follow an event ("--event"), in the order they are reported.
EVENT_DEADLINES: dict[str, tuple[str, ...]] = {
    # R-CT-1: the initial conference after the strategy discussion that started the s47 enquiry.
    "strategy-discussion": ("initial-conference",),
    # R-PR-1: the notification of an initial conference after the decision to convene it.
    "initial-conference-decision": ("initial-conference-notification",),
    # R-CT-2, R-DE-5, R-PL-3, R-AF-1, R-AF-2.
    "initial-conference": (
        "first-review",
        "first-core-group",
        "decisions-circulated",
        "minutes-circulated",
        "minutes-amended",
    ),
    "review-conference": ("next-review", "decisions-circulated", "minutes-circulated", "minutes-amended"),
    # R-MV-1: a manager reviews the originating authority's documents before a transfer-in is agreed.
    "transfer-in-documents-received": ("transfer-in-documents-reviewed",),
    # R-CT-4.
    "transfer-in-decision": ("transfer-in-conference",),
    # R-CT-6, R-QU-2.
    "inquorate-conference": ("reconvened-conference",),
    # R-PL-3.
    "core-group": ("next-core-group", "core-group-record-circulated"),
    # R-PL-4.
    "visit": ("next-visit",),
    # R-CT-3: between 30 and 32 weeks' gestation, delivery being expected at 40 weeks.
    "expected-delivery": ("pre-birth-conference-earliest", "pre-birth-conference-latest"),
}

#: Deadlines that come before a conference ("--before"), in the order they are reported.
BEFORE_DEADLINES: dict[str, tuple[str, ...]] = {
    # R-PR-5 reports; R-EX-2 exclusion requests, which the seeds tie to R-PR-6's requests to withhold a
    # report (one notice to the chair covers both), so one deadline serves both.
    "initial-conference": ("reports-due", "exclusion-requests-due"),
    # ... and R-PR-1's review invitations.
    "review-conference": (
        "reports-due",
        "exclusion-requests-due",
        "invitations-sent",
    ),
}

#: Deadlines of an event that fall before it (every other event deadline falls after its event).
#: R-CT-3: 30 and 32 weeks' gestation are 10 and 8 weeks before delivery expected at 40 weeks.
COUNTED_BACK: frozenset[tuple[str, str]] = frozenset(
    {
        ("expected-delivery", "pre-birth-conference-earliest"),
        ("expected-delivery", "pre-birth-conference-latest"),
    }
)

#: What a deadline may count from besides its own event: the product supplies the date (`anchors`).
#: Bolton counts the initial conference from the Section 47 enquiry (R-CT-1).
ANCHORS: frozenset[str] = frozenset({"section-47-enquiry", *EVENT_DEADLINES})
