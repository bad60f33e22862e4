"""The numbered sections of the Cabinet report (5 to 11), one module each; the heading block
(items 1 to 4) in :mod:`heading`."""
