"""One module per measurement: `core`, `throughput`, `latency`, `memory` (with the
coalitions `portfolio` lists), `portfolio`, `replay`."""
