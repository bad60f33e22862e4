"""Broken scenario workbooks, built on demand from a valid one (see ``workbooks.py``)."""
