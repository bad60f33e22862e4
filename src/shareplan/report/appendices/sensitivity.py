"""Appendix 3: how firm the ranking is: each weight's stable range, the rank reversals and the
chance of a place in the top N as the weights vary."""

from __future__ import annotations

from shareplan.report import formatting as fmt
from shareplan.report.context import Context
from shareplan.report.model import Block, Paragraph, Section, Table, notice, p
from shareplan.results.assessment import RankReversal, StabilityInterval

TITLE = "Appendix 3: How firm is the ranking"


def sensitivity(c: Context) -> Section:
    s = c.results.sensitivity
    blocks: list[Block] = []
    intervals = s.weight_stability.intervals
    if intervals:
        blocks.append(
            p(
                f"For each weight in turn, with the others kept in proportion, the range over which "
                f"the top {s.top_n} of the ranking stays the same (overall shares of the weight):"
            )
        )
    blocks += [_stability(c, w, s.top_n) for w in intervals]
    if s.rank_reversal:
        blocks.append(_reversals(c, s.rank_reversal))
    options = sorted(s.smaa.options.items(), key=lambda x: -x[1].p_top_n)
    if options:
        blocks.append(
            Table(
                f"Chance of a place in the top {s.top_n} when the weights vary at random "
                f"({fmt.number(float(s.smaa.samples))} sets of weights)",
                ("Opportunity", f"Chance of top {s.top_n}", "Expected rank"),
                tuple(
                    (c.title(oid), fmt.percent(a.p_top_n), fmt.number(a.expected_rank, 1))
                    for oid, a in options[:10]
                ),
                (False, True, True),
            )
        )
    if not blocks:
        blocks.append(notice("The sensitivity of the ranking to the weights"))
    return Section(TITLE, tuple(blocks), key="appendix-sensitivity")


def _stability(c: Context, w: StabilityInterval, top_n: int) -> Paragraph:
    """One weight's stable range in a sentence, naming who would come in beyond it."""
    label = c.weight_label(w.weight)
    cur, lo, hi = w.overall_current, w.overall_from, w.overall_to
    parent = max(cur, hi, 1e-9) if w.level == "group" else None
    parts = []
    if hi < (parent or 1.0) * 0.999 and hi < 0.999:
        entry = w.above_to.enters if w.above_to else None
        parts.append(
            f"rises above {fmt.percent(hi)}"
            + (f" (then {c.title(entry)} comes in)" if entry else "")
        )
    if lo > 0.001:
        entry = w.below_from.enters if w.below_from else None
        parts.append(
            f"falls below {fmt.percent(lo)}"
            + (f" (then {c.title(entry)} comes in)" if entry else "")
        )
    if parts:
        text = (
            f"The top {top_n} holds unless the weight on {label} "
            f"{' or '.join(parts)}; it is {fmt.percent(cur)} now."
        )
    else:
        text = f"The top {top_n} holds whatever the weight on {label}."
    return p(text, kind="bullet")


def _reversals(c: Context, reversals: tuple[RankReversal, ...]) -> Table:
    def needed(r: RankReversal) -> str:
        if r.overall_change is None:
            return "no single change swaps them"
        return ("+" if r.overall_change > 0 else "") + fmt.percent(r.overall_change, 1)

    return Table(
        "Rank reversals: the smallest single change of weight that swaps neighbours",
        ("Rank", "Higher", "Lower", "Weight", "Change needed (overall share)"),
        tuple(
            (
                str(r.rank),
                c.title(r.upper),
                c.title(r.lower),
                c.weight_label(r.weight) if r.weight else "-",
                needed(r),
            )
            for r in reversals[:8]
        ),
        (True, False, False, False, True),
    )
