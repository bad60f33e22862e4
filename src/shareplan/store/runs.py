"""Appraisal runs and their results: the one module that reads and writes a run's saved results,
always as the typed :class:`~shareplan.results.Results`.

A run's ``inputs`` is the scenario as it was when the run was asked for; its ``results`` the
results (docs/results.md) kept whole, as results.json would hold them, tagged with their schema
version, so that a report can always be made again from them. A finished run's results never
change, so each process keeps the last few it has read, parsed, by run id.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shareplan.errors import InputError, Problem
from shareplan.results import Results, parse_results
from shareplan.scenario import Scenario
from shareplan.store.audit import Actor, record
from shareplan.store.models import AppraisalRun, ScenarioRecord, utcnow
from shareplan.store.scenarios import to_scenario

KEEP_PARSED = 8
_parsed: OrderedDict[tuple[int, str], Results] = OrderedDict()
_lock = threading.Lock()


def request_run(session: Session, scenario: ScenarioRecord, *, actor: Actor) -> AppraisalRun:
    """A queued run of the scenario as it stands now (its inputs are copied, so later edits do not
    change what this run appraises)."""
    run = AppraisalRun(
        scenario_id=scenario.id,
        status="queued",
        stage="Waiting for a worker",
        created_by=actor.email,
        inputs=to_scenario(scenario).model_dump(mode="json"),
    )
    session.add(run)
    session.flush()
    record(
        session,
        actor,
        "run",
        "appraisal",
        run.id,
        authority_id=scenario.authority_id,
        after={"scenario": scenario.name, "status": "queued"},
        summary=f"asked for an appraisal of {scenario.name!r}",
    )
    return run


def inputs_of(run: AppraisalRun) -> Scenario:
    return Scenario.model_validate(run.inputs)


def snapshot(results: Results) -> dict[str, Any]:
    """The results as they are kept: exactly the JSON results.json would hold."""
    data: dict[str, Any] = results.model_dump(mode="json")
    return data


def save_results(run: AppraisalRun, results: Results) -> None:
    """Keep ``results`` as the run's results and mark the run done (the caller commits both)."""
    run.results = snapshot(results)
    run.results_schema = results.schema_version
    run.status = "done"
    run.stage = "Finished"
    run.step = run.steps
    run.finished_at = utcnow()


def results_of(run: AppraisalRun) -> Results:
    """The saved results of a finished run, read as ``read_results`` reads a file (the schema
    version checked and older versions upgraded)."""
    if run.status != "done":
        raise InputError([Problem(f"appraisal {run.id} has no results (it is {run.status})")])
    # the finishing time tells two databases' runs of the same id apart (tests, restored copies)
    key = (run.id, str(run.finished_at))
    with _lock:
        found = _parsed.get(key)
        if found is not None:
            _parsed.move_to_end(key)
            return found
    if run.results is None:
        raise InputError([Problem(f"appraisal {run.id} has no results")])
    parsed = parse_results(json.dumps(run.results), f"appraisal {run.id}")
    with _lock:
        _parsed[key] = parsed
        while len(_parsed) > KEEP_PARSED:
            _parsed.popitem(last=False)
    return parsed


def latest_done(session: Session, scenario_id: int) -> AppraisalRun | None:
    query = (
        select(AppraisalRun)
        .where(AppraisalRun.scenario_id == scenario_id, AppraisalRun.status == "done")
        .order_by(AppraisalRun.id.desc())
        .limit(1)
    )
    return session.scalar(query)
