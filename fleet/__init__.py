"""The running fleet service: decisions, persistence, service loop, API, CLI."""
