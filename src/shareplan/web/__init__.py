"""The shared workspace's web pages and REST API (FastAPI, Jinja2, GOV.UK Frontend, a little htmx).

Every page and API operation calls the same use-case functions as the command line (the pipeline,
the scenario readers and writers, the programme what-if); this package only turns requests into
those calls and their answers into pages."""

from shareplan.web.app import create_app
from shareplan.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
