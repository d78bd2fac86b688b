"""Alembic environment: runs migrations on the connection the service hands over."""

from alembic import context
from sqlalchemy import create_engine

from webhooks import models  # noqa: F401  (registers the tables on Base.metadata)
from webhooks.db import Base

connection = context.config.attributes.get("connection")
if connection is None:
    url = context.config.get_main_option("sqlalchemy.url")
    connection = create_engine(url).connect()
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
