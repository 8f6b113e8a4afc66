"""Health and readiness probes, Prometheus metrics and structured logs."""
