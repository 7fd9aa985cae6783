"""Query results as pandas DataFrames that keep what RDF says about each value.

Two ways, by choice:

* ``typed=False`` (the default): each variable is a column of Python values (``int``,
  ``float``, ``bool``, ``str``; ``None`` where unbound), and a variable whose literals carry a
  language or a datatype other than ``xsd:string`` gets the extra columns ``<var>_lang`` and
  ``<var>_datatype`` (the datatype's full IRI);
* ``typed=True``: a column whose values all have one numeric, boolean or date datatype becomes
  a pandas column of that type (``Int64``, ``Float64``, ``boolean``, ``datetime64``); the
  ``_lang`` columns stay, and ``_datatype`` is kept only for columns that could not be typed.

Every other column, an empty one included, is of dtype ``object``: an unbound value is
``None``, never a float ``NaN``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.errors import UsageError
from kg.namespaces import XSD
from kg.terms import RDF_LANG_STRING, XSD_STRING, Literal, Term

if TYPE_CHECKING:
    from kg.results import QueryResult

_INTEGERS = {
    "integer",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "unsignedByte",
}
_DTYPES = {
    **{XSD + name: "Int64" for name in _INTEGERS},
    XSD + "decimal": "Float64",
    XSD + "double": "Float64",
    XSD + "float": "Float64",
    XSD + "boolean": "boolean",
    XSD + "date": "datetime64[ns]",
    XSD + "dateTime": "datetime64[ns]",
}


def _language(term: Term | None) -> str | None:
    return term.language or None if isinstance(term, Literal) else None


def _datatype(term: Term | None) -> str | None:
    if not isinstance(term, Literal) or term.datatype in (XSD_STRING, RDF_LANG_STRING):
        return None
    return term.datatype.value


def to_dataframe(result: QueryResult, *, typed: bool = False) -> Any:
    """``result`` as a DataFrame (see the module's docstring); needs pandas."""
    try:
        import pandas as pd  # type: ignore[import-untyped]
    except ImportError:
        raise UsageError("to_dataframe() needs pandas: pip install pandas") from None
    from kg.results import python_value

    if result.kind != "select":
        raise UsageError(
            "to_dataframe() takes a SELECT result; use .triples or to_rdflib() for "
            "CONSTRUCT and DESCRIBE, and bool() for ASK"
        )
    columns: dict[str, Any] = {}
    for index, variable in enumerate(result.variables):
        terms = [row[index] for row in result.rows]
        values = [None if t is None else python_value(t) for t in terms]
        languages = [_language(t) for t in terms]
        datatypes = [_datatype(t) for t in terms]
        kinds = {d for d in datatypes if d is not None}
        dtype = _DTYPES.get(next(iter(kinds))) if typed and len(kinds) == 1 else None
        if dtype is not None and all(t is None or _datatype(t) in kinds for t in terms):
            column = _typed(pd, [None if t is None else t.value for t in terms], dtype)
        else:
            column = None
        if column is None:
            column, dtype = pd.Series(values, dtype=object), None
        columns[variable] = column
        if any(languages):
            columns[f"{variable}_lang"] = pd.Series(languages, dtype=object)
        if kinds and dtype is None:
            columns[f"{variable}_datatype"] = pd.Series(datatypes, dtype=object)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(result.rows)))


def _typed(pd: Any, lexical: list[str | None], dtype: str) -> Any:
    """The column in ``dtype``, or ``None`` if a value does not convert (an ill-typed literal
    keeps its column as objects rather than lose the value)."""
    try:
        if dtype.startswith("datetime"):
            column = pd.to_datetime(pd.Series(lexical, dtype=object), errors="coerce", format="ISO8601")
            lost = column.isna() & pd.Series([v is not None for v in lexical])
            return None if lost.any() else column
        if dtype == "boolean":
            if any(v not in (None, "true", "false", "1", "0") for v in lexical):
                return None
            return pd.Series([None if v is None else v in ("true", "1") for v in lexical], dtype="boolean")
        convert = int if dtype == "Int64" else float
        return pd.Series([None if v is None else convert(v) for v in lexical], dtype=dtype)
    except (ValueError, TypeError, OverflowError):
        return None


__all__ = ["to_dataframe"]
