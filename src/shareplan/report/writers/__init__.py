"""What lays the format-neutral report out: Word, HTML, PDF (from the HTML), the charts, the
console (``shareplan explain``), and :mod:`files`, which writes the three files, the PDF in a
second process."""
