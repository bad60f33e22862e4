"""How the web app is configured: from arguments of ``shareplan serve`` and the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from shareplan.store.database import default_database_path

MEGABYTE = 1024 * 1024


def _data_folder() -> Path:
    return default_database_path().parent


@dataclass(frozen=True)
class WebSettings:
    """``secret_key`` signs the session cookie: set ``SHAREPLAN_SECRET_KEY`` to the same value on
    every web worker (a random one is made otherwise, and sessions end when the server restarts)."""

    database_url: str | None = None
    database_schema: str | None = None
    secret_key: str = field(
        default_factory=lambda: os.environ.get("SHAREPLAN_SECRET_KEY") or secrets.token_urlsafe(32)
    )
    # Secure cookies travel only over HTTPS; ``serve`` turns them off for plain HTTP on this machine
    secure_cookies: bool = True
    # Behind a TLS-terminating proxy: send HSTS and trust X-Forwarded-Proto
    behind_tls: bool = False
    max_upload_bytes: int = 10 * MEGABYTE
    sign_in_attempts: int = 5
    sign_in_window_seconds: int = 15 * 60
    reports_folder: Path = field(default_factory=lambda: _data_folder() / "reports")
    start_local_worker: bool = True
