"""Appraisal runs and their results: the one module that reads and writes a run's saved results,
so that the rest of the web app and the jobs never touch the results' representation directly.

A run's ``inputs`` is the scenario as it was when the run was asked for; its ``results`` the
results document (docs/results.md) kept whole, tagged with its schema version, so that a report can
always be made again from it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shareplan.errors import InputError, Problem
from shareplan.results import SCHEMA_VERSION, read_results, structure_problems, write_json
from shareplan.scenario import Scenario
from shareplan.store.audit import Actor, record
from shareplan.store.models import AppraisalRun, ScenarioRecord, utcnow
from shareplan.store.scenarios import to_scenario

Results = dict[str, Any]
"""The results document of one appraisal (see docs/results.md)."""


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


def save_results(run: AppraisalRun, document: Results) -> None:
    """Keep ``document`` as the run's results and mark the run done (the caller commits both)."""
    run.results = document
    run.results_schema = str(document.get("schema_version", SCHEMA_VERSION))
    run.status = "done"
    run.stage = "Finished"
    run.step = run.steps
    run.finished_at = utcnow()


def results_of(run: AppraisalRun) -> Results:
    """The saved results of a finished run, checked as ``read_results`` checks a file."""
    if run.status != "done" or run.results is None:
        raise InputError([Problem(f"appraisal {run.id} has no results (it is {run.status})")])
    problems = structure_problems(run.results, f"appraisal {run.id}")
    if problems:
        raise InputError(problems)
    return run.results


def latest_done(session: Session, scenario_id: int) -> AppraisalRun | None:
    query = (
        select(AppraisalRun)
        .where(AppraisalRun.scenario_id == scenario_id, AppraisalRun.status == "done")
        .order_by(AppraisalRun.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def opportunity(results: Results, opportunity_id: str) -> dict[str, Any] | None:
    for entry in results["opportunities"]:
        if entry["id"] == opportunity_id:
            return dict(entry)
    return None


def snapshot(document: Results) -> Results:
    """The results as they are kept: written and read back exactly as results.json is, so the
    store holds what ``shareplan appraise`` would have written, checked by the same reader."""
    with tempfile.TemporaryDirectory(prefix="shareplan-results-") as tmp:
        path = write_json(document, Path(tmp) / "results.json")
        return read_results(path)
