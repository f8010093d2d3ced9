"""The worker process that runs coalition workflows and their activities."""
