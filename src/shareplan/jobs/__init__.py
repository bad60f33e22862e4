"""Background jobs: an appraisal runs outside the web request, reporting its stage as it goes.

The job code (:func:`shareplan.jobs.appraisal.execute_run`) is one function; the queue that calls it
is procrastinate on PostgreSQL (several workers on several machines), or a worker process owned by
the web server when the store is the embedded SQLite file (see docs/web.md)."""
