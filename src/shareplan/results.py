"""results.json: the documented, versioned record of one appraisal (see docs/results.md).

Later stages add blocks to each opportunity and to the top level; readers check
``schema_version`` and ignore blocks they do not know.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from shareplan.errors import InputError, Problem, raise_if_any

SCHEMA_VERSION = "1.0"
"""Major changes break readers; minor changes only add fields."""


def write_json(data: dict[str, Any], path: Path) -> Path:
    """Write ``data`` as JSON to ``path`` atomically (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False, default=_default)
            handle.write("\n")
        # mkstemp creates the file readable by its owner only; results are for sharing.
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot write {type(value).__name__} to results.json")


def read_results(path: Path) -> dict[str, Any]:
    """A results.json written by ``shareplan appraise``, checked for a readable schema version."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem("no such results file", str(path))]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError([Problem(f"not a JSON file: {exc}", str(path))]) from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise InputError([Problem("not a shareplan results file (no schema_version)", str(path))])
    major = str(data["schema_version"]).split(".")[0]
    if major != SCHEMA_VERSION.split(".")[0]:
        raise InputError(
            [
                Problem(
                    f"results schema {data['schema_version']} is not readable by this version",
                    str(path),
                    allowed=f"{SCHEMA_VERSION.split('.')[0]}.x",
                )
            ]
        )
    raise_if_any(structure_problems(data, str(path)))
    return data


REQUIRED_TOP = ("scenario", "parameters", "long_list", "opportunities", "programme")
REQUIRED_OPPORTUNITY = (
    "id",
    "title",
    "unit_id",
    "service_ids",
    "partner_ids",
    "model",
    "declared",
    "screening",
    "scores",
    "business_case",
    "procurement",
    "risks",
)


def structure_problems(data: dict[str, Any], source: str) -> list[Problem]:
    """What a results file lacks for shareplan's own readers (explain, programme, report) to use it.

    Checked once on reading, so that a file from another tool, or a damaged one, is a clear error
    rather than a failure deep inside a command."""
    problems: list[Problem] = []
    generator = data.get("generator")
    if not isinstance(generator, dict) or generator.get("name") != "shareplan":
        problems.append(Problem("not written by shareplan (no generator 'shareplan')", source))
    for key in REQUIRED_TOP:
        if key not in data:
            problems.append(Problem(f"the results lack the {key!r} block", source))
    opportunities = data.get("opportunities")
    if "opportunities" in data and not isinstance(opportunities, list):
        problems.append(Problem("'opportunities' is not a list", source))
    elif isinstance(opportunities, list):
        for i, entry in enumerate(opportunities):
            if not isinstance(entry, dict):
                problems.append(Problem(f"opportunity {i + 1} is not an object", source))
                continue
            missing = [k for k in REQUIRED_OPPORTUNITY if k not in entry]
            if missing:
                problems.append(
                    Problem(
                        f"opportunity {entry.get('id', i + 1)!r} lacks {', '.join(missing)}",
                        source,
                    )
                )
    programme = data.get("programme")
    if "programme" in data and programme is not None and not isinstance(programme, dict):
        problems.append(Problem("'programme' is not an object", source))
    return problems[:20]
