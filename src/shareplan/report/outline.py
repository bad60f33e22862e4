"""The order of the Cabinet report's numbered sections and appendices, so that a sentence in one
section can name another by number ("see section 11") before that section is built.

Items 1 to 4 are the heading block; the body follows the order English councils use in a report
to Cabinet: the decision first (summary, recommendations, the proposal and the options rejected),
then consultation and the timetable, then each implication in turn (finance, procurement, legal,
human resources, equalities, wards), the risks, policy, the key decision and exempt information,
and last the background papers and a glossary (docs/report.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from shareplan.report.model import Block, Section

BODY: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("recommendations", "Recommendations"),
    ("proposals", "Proposals and Details"),
    ("options", "Options Considered and Rejected"),
    ("consultation", "Consultation"),
    ("timetable", "Timetable and Accountability"),
    ("finance", "Financial Implications"),
    ("procurement", "Procurement Implications"),
    ("legal", "Legal Implications"),
    ("human-resources", "Human Resources Implications"),
    ("equalities", "Equalities Implications"),
    ("wards", "Ward and Area Implications"),
    ("risks", "Risks and Uncertainties"),
    ("policy", "Policy and Performance Agenda Implications"),
    ("key-decision", "Key Decision and Forward Plan"),
    ("exempt", "Exempt Information"),
    ("background", "Background Papers"),
    ("glossary", "Glossary"),
)
"""Each body section's key and title, in order; the first is numbered 5."""

FIRST = 5

APPENDICES: tuple[tuple[str, str], ...] = (
    ("appendix-projects", "The priority projects"),
    ("appendix-robustness", "How firm the recommendation is"),
    ("appendix-alternatives", "Alternatives and the trade-off between speed and savings"),
    ("appendix-scores", "Scores and weights"),
    ("appendix-assumptions", "Assumptions and evidence"),
    ("appendix-method", "How the appraisal was done"),
)


def number(key: str) -> str:
    """A body section's number: "5" for the summary."""
    for i, (k, _) in enumerate(BODY):
        if k == key:
            return str(FIRST + i)
    raise KeyError(key)


def title(key: str) -> str:
    for k, t in (*BODY, *APPENDICES):
        if k == key:
            return t
    raise KeyError(key)


def ref(key: str) -> str:
    """How a sentence names a section: "section 11", or "Appendix 2"."""
    for i, (k, _) in enumerate(APPENDICES, start=1):
        if k == key:
            return f"Appendix {i}"
    return f"section {number(key)}"


def appendix_title(key: str) -> str:
    """An appendix's full heading: "Appendix 1: The priority projects"."""
    return f"{ref(key)}: {title(key)}"


def body_section(key: str, blocks: Sequence[Block], children: Sequence[Section] = ()) -> Section:
    """A numbered body section, titled and numbered by its place in :data:`BODY`."""
    return Section(title(key), tuple(blocks), tuple(children), number=number(key), key=key)


def appendix(key: str, blocks: Sequence[Block], children: Sequence[Section] = ()) -> Section:
    return Section(appendix_title(key), tuple(blocks), tuple(children), key=key)
