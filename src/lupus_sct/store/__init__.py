"""Storage adapters: SQLAlchemy tables, repositories, units of work and Alembic migrations."""
