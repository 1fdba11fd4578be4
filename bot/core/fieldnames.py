"""The field names of :mod:`bot.domain.fieldnames`, where the core has long imported them."""

from bot.domain.fieldnames import (
    OWN_COLUMNS,
    FieldList,
    column_names,
    field_key,
    field_name,
    local_field_names,
    typed,
    typed_example,
)

__all__ = ["OWN_COLUMNS", "FieldList", "column_names", "field_key", "field_name",
           "local_field_names", "typed", "typed_example"]
