"""Commands of the shared workspace: the database (upgrade, backup, restore), users, the web
server and the job worker."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shareplan.cli.common import console, print_json, user_errors
from shareplan.errors import InputError, Problem
from shareplan.store import backup as store_backup
from shareplan.store import migrate
from shareplan.store.audit import SYSTEM
from shareplan.store.database import Database

app = typer.Typer()
db_app = typer.Typer(
    help="The workspace's database: create or upgrade it, back it up, restore it.",
    no_args_is_help=True,
)
user_app = typer.Typer(help="Users of the workspace.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")

UrlOpt = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Database URL (default: SHAREPLAN_DATABASE_URL, else SQLite in the data folder).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _db(url: str | None) -> Database:
    return Database(url)


@db_app.command("upgrade")
def db_upgrade(database_url: UrlOpt = None, as_json: JsonOpt = False) -> None:
    """Create the tables, or bring them to this version's schema (and, on PostgreSQL, the job
    queue's tables)."""
    db = _db(database_url)
    with user_errors():
        migrate.upgrade(db)
        queue = "in-process"
        if not db.is_sqlite:
            from shareplan.jobs.procrastinate_app import apply_schema

            queue = (
                "procrastinate tables added" if apply_schema(db) else "procrastinate tables present"
            )
    out = {"database": db.describe(), "revision": migrate.current(db), "queue": queue}
    if as_json:
        print_json(out)
    else:
        console.print(
            f"{out['database']} is at schema {out['revision']} ({queue}).", highlight=False
        )


@db_app.command("backup")
def db_backup(
    path: Annotated[Path, typer.Argument(help="The backup file to write.")],
    database_url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write every table to one file that ``shareplan db restore`` reads (SQLite or PostgreSQL)."""
    db = _db(database_url)
    with user_errors():
        counts = store_backup.backup(db, path)
    if as_json:
        print_json({"path": str(path), "rows": counts})
    else:
        console.print(f"Backed up {sum(counts.values())} rows to {path}.", highlight=False)


@db_app.command("restore")
def db_restore(
    path: Annotated[Path, typer.Argument(help="A file written by `shareplan db backup`.")],
    database_url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Replace the database's contents with a backup (in one transaction)."""
    db = _db(database_url)
    with user_errors():
        if not path.is_file():
            raise InputError([Problem("no such backup file", str(path))])
        counts = store_backup.restore(db, path)
    if as_json:
        print_json({"path": str(path), "rows": counts})
    else:
        console.print(f"Restored {sum(counts.values())} rows from {path}.", highlight=False)


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="The user's email address (they sign in with it).")],
    authority: Annotated[str, typer.Option(help="The authority they belong to (added if new).")],
    role: Annotated[str, typer.Option(help="viewer, editor or admin.")] = "admin",
    name: Annotated[str, typer.Option(help="Their name.")] = "",
    password: Annotated[
        str | None, typer.Option(help="Their password (asked for if not given).")
    ] = None,
    database_url: UrlOpt = None,
) -> None:
    """Add a user with a role in an authority; ``--role admin`` makes the first administrator."""
    from shareplan.store.users import add_user, authority_named, grant

    secret = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    db = _db(database_url)
    with user_errors():
        migrate.upgrade(db)
        with db.session() as session:
            user = add_user(session, email, name, secret, is_admin=role == "admin", actor=SYSTEM)
            grant(session, user, authority_named(session, authority), role, actor=SYSTEM)
    console.print(f"Added {email} as {role} of {authority}.", highlight=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo", help="Load and appraise the Rotherham example and make a demo user per role."
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option(help="Web worker processes (PostgreSQL only; SQLite serves from one).")
    ] = 1,
    behind_tls: Annotated[
        bool,
        typer.Option(
            "--behind-tls", help="A TLS proxy is in front: send HSTS and trust X-Forwarded-Proto."
        ),
    ] = False,
    database_url: UrlOpt = None,
) -> None:
    """Start the web app (the workspace's pages and the REST API under /api/v1)."""
    import os

    import uvicorn

    from shareplan.web import WebSettings, create_app
    from shareplan.web.demo import set_up

    db = _db(database_url)
    with user_errors():
        if workers > 1 and db.is_sqlite:
            raise InputError(
                [
                    Problem(
                        "several web workers need PostgreSQL (set SHAREPLAN_DATABASE_URL)",
                        allowed="--workers 1 with SQLite",
                    )
                ]
            )
        migrate.upgrade(db)
        if not db.is_sqlite:
            from shareplan.jobs.procrastinate_app import apply_schema

            apply_schema(db)
        credentials = set_up(db) if demo else []
    url = f"http://{host}:{port}/"
    console.print(f"shareplan is at {url} (database: {db.describe()})", highlight=False)
    for c in credentials:
        console.print(f"  {c.role:<7} {c.email}  password: {c.password}", highlight=False)
    if workers > 1:
        os.environ["SHAREPLAN_DATABASE_URL"] = db.url
        uvicorn.run(
            "shareplan.web.factory:app",
            host=host,
            port=port,
            workers=workers,
            timeout_worker_healthcheck=120,
            proxy_headers=behind_tls,
            log_level="warning",
        )
        return
    # Secure cookies need HTTPS; on plain HTTP (this machine, or a proxy that terminates TLS
    # and says so with X-Forwarded-Proto) they are turned off only when no TLS is in front.
    settings = WebSettings(database_url=db.url, secure_cookies=behind_tls, behind_tls=behind_tls)
    uvicorn.run(
        create_app(settings, db=db),
        host=host,
        port=port,
        proxy_headers=behind_tls,
        log_level="warning",
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(help="Jobs this worker runs at once.")] = 1,
    database_url: UrlOpt = None,
) -> None:
    """Take appraisal jobs from the queue until stopped (PostgreSQL; with SQLite the web server
    runs its own worker)."""
    db = _db(database_url)
    with user_errors():
        if db.is_sqlite:
            raise InputError(
                [
                    Problem(
                        "with the SQLite database the web server runs appraisals itself; a separate worker needs PostgreSQL",
                        allowed="set SHAREPLAN_DATABASE_URL=postgresql+psycopg://...",
                    )
                ]
            )
        from shareplan.jobs.procrastinate_app import apply_schema, run_worker

        apply_schema(db)
        console.print(f"Worker taking appraisal jobs from {db.describe()}", highlight=False)
        run_worker(db, concurrency=concurrency)
