"""One module per resource family; each handler is a small function registered under its operation name."""
