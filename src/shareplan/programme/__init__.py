"""Programme selection: pick the priority projects exactly, explain why, show the trade-offs."""
