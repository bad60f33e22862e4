"""National open data: Revenue Outturn spending, councils and their neighbours, benchmarking,
the partner finder and the national scan."""
