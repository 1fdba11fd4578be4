"""The field names of :mod:`bot.domain.fieldnames`, where the core has long imported them."""

from bot.domain.fieldnames import (
    DERIVED_FIELDS,
    OWN_COLUMNS,
    FieldList,
    any_field_names,
    column_names,
    field_key,
    field_name,
    field_names,
    local_field_names,
    readable_field_names,
    typed,
    typed_arguments,
    typed_example,
)

__all__ = ["DERIVED_FIELDS", "OWN_COLUMNS", "FieldList", "any_field_names", "column_names",
           "field_key", "field_name", "field_names", "local_field_names",
           "readable_field_names", "typed", "typed_arguments", "typed_example"]
