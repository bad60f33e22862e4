"""The PDF printed by a second Python process while this one draws the charts and writes Word.

:class:`Printer` starts ``python -m shareplan.report.writers.printer`` before the report is
built. That fresh interpreter imports WeasyPrint and this package's PDF writer and nothing else
(not the caller's program, which ``multiprocessing``'s spawn imports again: for ``shareplan
appraise`` that was the whole command line, pipeline and all, and under load it took longer than
drawing the charts, so the PDF started late). It is told on its command line the page it will
print and the PDF to write, lays a line out in the report's style (fonts, fontconfig) while the
page is written, and waits for ``print`` on its standard input; then it prints the PDF and exits
at once (anything else, or the end of its input, and it leaves without printing).

Anything the printer says goes to a file beside the report, never to the caller's terminal. If it
cannot start, dies, or fails, :meth:`Printer.finished` says so and the caller prints the PDF
itself, so that an error in the work (a broken page, say) is raised there as it would be in one
process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import IO

LOG = logging.getLogger(__name__)

MODULE = "shareplan.report.writers.printer"
WAIT_SECONDS = 600.0
"""How long the caller waits for the PDF before printing it itself (a stuck printer is killed)."""


def _source_root() -> str:
    """The folder the running ``shareplan`` package was imported from, so that the printer runs
    the same code as its caller even when the caller found it by a path set at run time."""
    import shareplan

    return str(Path(shareplan.__file__).resolve().parent.parent)


class Printer:
    """A printer process, started at once; :meth:`send` gives it the page, :meth:`finished`
    waits for the PDF. Use it as a context manager so that it is never left running."""

    def __init__(self, page: Path, pdf: Path, log: Path) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_source_root(), env.get("PYTHONPATH", "")) if p
        )
        self._log: IO[bytes] = log.open("wb")
        self._log_path = log
        self._target = pdf
        self._sent = False
        self._process: subprocess.Popen[bytes] | None = None
        try:
            # -P: the working folder is not put on the path, so no file there can stand in for
            # a module the printer imports
            self._process = subprocess.Popen(
                [sys.executable, "-P", "-m", MODULE, str(page), str(pdf)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self._log,
                env=env,
            )
        except OSError as exc:
            self._fail(f"could not start ({type(exc).__name__})")

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _fail(self, why: str) -> None:
        self.close()  # first, so that all it said is in its log
        said = self._log_path.read_text("utf-8", errors="replace").strip().splitlines()
        last = f": {said[-1]}" if said else ""
        LOG.info("report: second process %s%s; printing the PDF here", why, last)

    def send(self) -> None:
        """Say that the page (self-contained HTML) is written and can be printed."""
        if self._process is None or self._process.stdin is None:
            return
        self._sent = True
        try:
            self._process.stdin.write(b"print\n")
            self._process.stdin.close()
        except OSError as exc:  # it has already died: its stdin is a broken pipe
            self._fail(f"stopped early ({type(exc).__name__})")

    def finished(self, timeout: float = WAIT_SECONDS) -> bool:
        """Wait for the PDF; ``False`` (and one log line, with what the printer said) if it did
        not come, so that the caller prints it."""
        if self._process is None:  # it could not start or died early: that was logged
            return False
        if not self._sent:
            self._fail("was given no page")
            return False
        try:
            code = self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._fail(f"took over {timeout:.0f} s")
            return False
        if code != 0 or not self._target.is_file():
            self._fail(f"failed (exit {code})")
            return False
        self.close()
        return True

    def close(self) -> None:
        """Stop the printer if it is still running and release its files."""
        process, self._process = self._process, None
        if process is not None:
            if process.stdin is not None and not process.stdin.closed:
                with contextlib.suppress(OSError):  # a printer that died leaves a broken pipe
                    process.stdin.close()
            if process.poll() is None:
                process.kill()
            process.wait()
        if not self._log.closed:
            self._log.close()


def main() -> None:
    """The printer: load WeasyPrint, wait for the page, print it, leave."""
    from shareplan.report.writers.pdf import warm_up, write_pdf

    page, pdf = sys.argv[1:3]
    warm_up()
    if sys.stdin.readline().strip() != "print":  # the caller gave up before the page was written
        sys.exit(1)
    write_pdf(Path(page).read_text("utf-8"), Path(pdf))
    # The PDF is closed and complete; skip the interpreter's teardown (freeing every module and
    # Pango's fonts), which the caller would otherwise wait for.
    os._exit(0)


if __name__ == "__main__":
    main()
