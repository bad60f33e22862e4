"""Protection every request gets: security headers, a limit on request size, CSRF tokens on forms,
and a limit on sign-in attempts."""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
from threading import Lock

from fastapi import HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import PlainTextResponse, Response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
"""No inline script or style anywhere: every script is a file served by the app."""

CSRF_FIELD = "csrf_token"
CSRF_SESSION_KEY = "csrf"


class SecurityHeaders(BaseHTTPMiddleware):
    def __init__(self, app: object, *, hsts: bool) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.hsts = hsts

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if self.hsts:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response


class SizeLimit(BaseHTTPMiddleware):
    """Refuse a request body larger than the limit before reading it (413)."""

    def __init__(self, app: object, *, max_bytes: int) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.max_bytes = max_bytes

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            return PlainTextResponse(
                f"The upload is too large: the limit is {self.max_bytes // (1024 * 1024)} MB.",
                status_code=413,
            )
        if length is None and request.headers.get("transfer-encoding") == "chunked":
            return PlainTextResponse("Uploads must state their length.", status_code=411)
        return await call_next(request)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return token


async def check_csrf(request: Request) -> None:
    """Every form post carries the session's token in ``csrf_token``; anything else is refused."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get(CSRF_SESSION_KEY)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not (
        isinstance(expected, str) and isinstance(sent, str) and hmac.compare_digest(expected, sent)
    ):
        raise HTTPException(status_code=400, detail="csrf")


class SignInLimiter:
    """At most ``attempts`` failed sign-ins per email and per client address in ``window``
    seconds. Kept in the web process's memory: each web worker counts on its own, which bounds a
    guesser at attempts x workers per window."""

    def __init__(self, attempts: int, window: int) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.attempts for k in keys)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
