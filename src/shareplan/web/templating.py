"""The Jinja2 environment: shareplan's templates first, then GOV.UK Frontend's macros
(govuk-frontend-jinja) under the ``govuk_frontend_jinja/`` prefix, and the display filters shared
with the report (one money format everywhere)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape

from shareplan.report import formatting as fmt


def _money(value: Any) -> str:
    return "" if value is None else fmt.money(float(value))


def _percent(value: Any, places: int = 0) -> str:
    return "" if value is None else fmt.percent(float(value), places)


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%-d %B %Y at %H:%M UTC")


def _number(value: Any, places: int = 1) -> str:
    return "" if value is None else fmt.number(float(value), places)


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("shareplan.web", "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=_money, percent=_percent, when=_when, number=_number)
    return Jinja2Templates(env=env)
