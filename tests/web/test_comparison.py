"""Comparing two runs: inputs, ranking, programme and money."""

from __future__ import annotations

import copy

from shareplan.store.database import Database
from shareplan.store.models import AppraisalRun
from shareplan.store.runs import results_of
from shareplan.web.comparison import compare
from tests.web.conftest import ROTHERHAM_RUN


def test_two_runs_differ_where_their_inputs_ranking_and_programme_differ(
    workspace: Database,
) -> None:
    with workspace.session() as session:
        run = session.get(AppraisalRun, ROTHERHAM_RUN)
        assert run is not None
        results = results_of(run)
        inputs = run.inputs
    assert compare(inputs, inputs, results, results).inputs == ()

    later_inputs = copy.deepcopy(inputs)
    later_inputs["services"][0]["gross_cost"] = 1.0
    later_inputs["partners"] = later_inputs["partners"][1:]
    first, second = results.opportunities[0], results.opportunities[1]
    swapped = results.model_copy(
        update={
            "opportunities": (
                second.model_copy(update={"scores": second.scores.model_copy(update={"rank": 1})}),
                first.model_copy(update={"scores": first.scores.model_copy(update={"rank": 2})}),
                *results.opportunities[2:],
            )
        }
    )
    diff = compare(inputs, later_inputs, results, swapped)
    service = inputs["services"][0]["id"]
    partner = inputs["partners"][0]["id"]
    assert any(
        c.what == f"services {service}: gross_cost" and c.after == "1.0" for c in diff.inputs
    )
    assert any(c.what == f"partners {partner}" and c.after == "removed" for c in diff.inputs)
    assert [(i, a, b) for i, _, a, b in diff.ranking] == [(second.id, 2, 1), (first.id, 1, 2)]
    assert diff.programme_added == diff.programme_removed == ()
    assert all(a == b for _, a, b in diff.money)
