"""The conference agenda: the sections a conference, its exclusions and its minutes are organised by.

Exclusions name the sections a person is kept out of (R-EX-1), attendance names the sections a person
was present for, and the minutes are written section by section, so that each person's copy can leave out
exactly the sections they were excluded from (R-EX-5). The keys are stored in the database: they are a
stable interface, so a section may be renamed but its key never changes.
"""

from __future__ import annotations

from typing import Final

#: Each section's stored key and its title, in the order a conference takes them.
AGENDA: Final[tuple[tuple[str, str], ...]] = (
    ("introductions", "Introductions and the purpose of the conference"),
    ("information-without-family", "Information shared without the family present"),
    ("agency-reports", "Reports from agencies"),
    ("family-views", "The views of the parents and family"),
    ("child-views", "The child's wishes and feelings"),
    ("analysis", "What we are worried about, what is working well, and what needs to change"),
    ("decision", "The decision"),
    ("plan", "The plan and recommendations"),
    ("next-steps", "Dates of the core group and the review"),
)

SECTION_KEYS: Final[tuple[str, ...]] = tuple(key for key, _ in AGENDA)
SECTION_TITLES: Final[dict[str, str]] = dict(AGENDA)


def validate_sections(keys: object) -> list[str]:
    """Return the keys in agenda order, or raise ValueError naming what is wrong."""
    if not isinstance(keys, (list, tuple)) or not all(isinstance(key, str) for key in keys):
        raise ValueError("Sections must be a list of agenda section names.")
    unknown = sorted(set(keys) - set(SECTION_KEYS))
    if unknown:
        raise ValueError(f"Not an agenda section: {', '.join(unknown)}.")
    return [key for key in SECTION_KEYS if key in keys]


def titles(keys: list[str]) -> list[str]:
    return [SECTION_TITLES[key] for key in SECTION_KEYS if key in keys]
