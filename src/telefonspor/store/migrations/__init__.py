"""Alembic migrations of the run history, shipped inside the package (no alembic.ini)."""
