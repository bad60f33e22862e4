"""The app for a multi-process server (``uvicorn shareplan.web.factory:app --workers N``), which
imports it by name in each worker: configured from the environment (SHAREPLAN_DATABASE_URL,
SHAREPLAN_DATABASE_SCHEMA, SHAREPLAN_SECRET_KEY, SHAREPLAN_BEHIND_TLS)."""

from __future__ import annotations

import os

from shareplan.web.app import create_app
from shareplan.web.settings import WebSettings

_tls = os.environ.get("SHAREPLAN_BEHIND_TLS", "") not in ("", "0", "false")
app = create_app(
    WebSettings(
        database_schema=os.environ.get("SHAREPLAN_DATABASE_SCHEMA") or None,
        secure_cookies=_tls,
        behind_tls=_tls,
    )
)
