"""Names for the few statements written out in SQL (where the ORM cost more to build a statement
than the database to run it): tables and columns read from the models' meta, quoted, so that only
names of the project's own models are ever formatted into SQL; every value stays a parameter."""

from django.db import connection, models


def table(model: type[models.Model]) -> str:
    """The quoted table of ``model``."""
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[models.Model], name: str) -> str:
    """The quoted column of a concrete field of ``model``."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column is not None  # a concrete field
    return connection.ops.quote_name(field.column)
