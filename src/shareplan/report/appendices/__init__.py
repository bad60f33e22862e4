"""The appendices of the Cabinet report (1 to 6), one module each."""
