"""The JSON Schema of results.json, as pydantic generates it from :class:`Results`.

docs/results.schema.json holds it (a test keeps the two equal); write it again after changing a
model with::

    python -m shareplan.results.schema > docs/results.schema.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

from shareplan.results.model import SCHEMA_VERSION, Results


def results_schema() -> dict[str, Any]:
    """The schema a results.json validates against (what a reader may rely on)."""
    schema = Results.model_json_schema(mode="validation")
    # In the file the business case leaves its procurement and risks to the opportunity, which
    # holds them beside it (see OpportunityResult); the model puts them back on reading.
    case = schema["$defs"]["BusinessCase"]
    for key in ("procurement", "risks"):
        case["properties"].pop(key)
        case["required"].remove(key)
    schema["title"] = f"shareplan results.json, schema {SCHEMA_VERSION}"
    return schema


def schema_text() -> str:
    return json.dumps(results_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(schema_text())
