"""Storage: SQLAlchemy Core tables and repositories shaped like the queries, on SQLite or PostgreSQL."""
