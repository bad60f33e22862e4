"""The application factory: middleware, static files, routers and error pages.

FastAPI (on Starlette) was chosen over Flask because the REST API's OpenAPI schema comes from the
same typed routes that serve it (and schemathesis tests against it), and MHCLG's
planning.data.gov.uk shows the same FastAPI + Jinja2 + govuk-frontend-jinja stack in government
use. What Flask would have given ready-made (CSRF, form errors) is small here: :mod:`.security`
and :mod:`.forms`. See docs/web.md.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from shareplan import __version__
from shareplan.evidence import load_evidence
from shareplan.jobs.queues import LocalQueue, queue_for
from shareplan.store.database import Database
from shareplan.web import (
    api,
    pages_admin,
    pages_auth,
    pages_results,
    pages_runs,
    pages_scenarios,
    pages_tracking,
    pages_tracking_files,
)
from shareplan.web.deps import Services, SignInRequired, page
from shareplan.web.security import SecurityHeaders, SignInLimiter, SizeLimit
from shareplan.web.settings import WebSettings
from shareplan.web.templating import make_templates

STATIC = Path(__file__).with_name("static")

_MESSAGES = {
    400: (
        "The form could not be accepted",
        [
            "It was sent without its security token, or the token had expired. Go back, reload the page and try again."
        ],
    ),
    403: (
        "You cannot do that",
        ["Your role for this authority does not allow it. Ask an administrator if you need it."],
    ),
    404: ("Page not found", ["If you typed the web address, check it is correct."]),
    409: ("Someone else changed this", []),
    413: ("The upload is too large", []),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(settings: WebSettings | None = None, *, db: Database | None = None) -> FastAPI:
    settings = settings or WebSettings()
    database = db or Database(settings.database_url, schema=settings.database_schema)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services: Services = app.state.services
        if settings.start_local_worker or not database.is_sqlite:
            services.queue = queue_for(database)
            if isinstance(services.queue, LocalQueue):
                services.queue.resume()
        try:
            yield
        finally:
            if services.queue is not None:
                services.queue.close()

    app = FastAPI(
        title="shareplan",
        version=__version__,
        summary="Shared-service opportunities, appraisals and programmes for public bodies.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.services = Services(
        settings=settings,
        db=database,
        queue=None,
        templates=make_templates(),
        evidence=load_evidence(),
        limiter=SignInLimiter(settings.sign_in_attempts, settings.sign_in_window_seconds),
    )
    # Starlette runs the last-added middleware first: size limit, then headers, then the session
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="shareplan_session",
        same_site="lax",
        https_only=settings.secure_cookies,
        max_age=8 * 60 * 60,
    )
    app.add_middleware(SecurityHeaders, hsts=settings.behind_tls)
    app.add_middleware(SizeLimit, max_bytes=settings.max_upload_bytes)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        pages_auth,
        pages_scenarios,
        pages_runs,
        pages_results,
        pages_tracking,
        pages_tracking_files,
        pages_admin,
    ):
        app.include_router(module.router)
    app.include_router(api.router)
    _error_pages(app)
    return app


def _error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _: SignInRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        heading, lines = _MESSAGES.get(exc.status_code, ("Sorry, there is a problem", []))
        return page(request, "error.html", {"heading": heading, "lines": lines}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            errors: list[dict[str, Any]] = [
                {
                    "loc": list(e.get("loc", ())),
                    "msg": str(e.get("msg", "")),
                    "type": str(e.get("type", "")),
                }
                for e in exc.errors()
            ]
            return JSONResponse({"detail": errors}, status_code=422)
        return page(
            request,
            "error.html",
            {"heading": "The request could not be understood", "lines": []},
            400,
        )
