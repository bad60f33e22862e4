"""The shared workspace's store: authorities, scenarios, appraisal runs, users and the audit log in
one database (SQLite by default, PostgreSQL for a team), reached through SQLAlchemy 2."""

from shareplan.store.database import Database, database_url, default_database_path

__all__ = ["Database", "database_url", "default_database_path"]
