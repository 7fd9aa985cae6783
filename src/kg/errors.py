"""The exceptions ``kg`` raises, in one tree.

Every error a user can cause is a :class:`KgError`; the command line turns one into a single
line on stderr and an exit code (``KgError.exit_code``), and never shows a traceback unless asked
(``--debug``). Each class also subclasses the matching built-in, so ``except ValueError`` keeps
working for callers who do not know ``kg``.

::

    KgError
    ├── UsageError (ValueError)                 bad arguments: unknown format, flag clash
    ├── ProjectError (FileNotFoundError)        a missing or incomplete project folder
    ├── InputError (ValueError)                 bad input data
    │   ├── RdfSyntaxError (SyntaxError)        file:line:column of malformed RDF
    │   ├── UnsafeInputError                    DOCTYPE / external entity / remote JSON-LD context
    │   │   └── CanonicalizationLimitError      blank nodes too symmetric to label in the budget
    │   └── UnreadableInputError (OSError)      a path that cannot be read
    ├── QueryError (ValueError)
    │   ├── QuerySyntaxError (SyntaxError)      line:column of malformed SPARQL
    │   ├── UnknownQueryError (LookupError)     no named query of that name
    │   ├── ParameterError                      missing, unknown or ill-typed parameter
    │   ├── ReadOnlyQueryError                  an UPDATE sent where only queries are allowed
    │   ├── RemoteAccessRefused                 SERVICE or LOAD where fetching is not allowed
    │   ├── ResultTooLargeError                 a result over its byte or memory limit
    │   └── QueryTimeoutError (TimeoutError)    a query that ran past its time limit (exit 4)
    ├── StoreError (RuntimeError)               the engine failed or refused
    │   ├── StaleStoreError                     data/ changed since the store was built
    │   ├── StoreLockedError                    another process holds the on-disk store
    │   └── EndpointError (ConnectionError)     a remote endpoint: unreachable, refused, HTTP error
    └── ValidationFailed                        ``add`` refused data that does not conform
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.validate.report import ValidationReport

__all__ = [
    "CanonicalizationLimitError",
    "EndpointError",
    "InputError",
    "KgError",
    "ParameterError",
    "ProjectError",
    "QueryError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "RdfSyntaxError",
    "ReadOnlyQueryError",
    "RemoteAccessRefused",
    "ResultTooLargeError",
    "StaleStoreError",
    "StoreError",
    "StoreLockedError",
    "UnknownQueryError",
    "UnreadableInputError",
    "UnsafeInputError",
    "UsageError",
    "ValidationFailed",
]

EXIT_NONCONFORMING = 1
EXIT_BAD_INPUT = 2
EXIT_STORE = 3
EXIT_TIMEOUT = 4


class KgError(Exception):
    """The root of every error ``kg`` raises on purpose.

    The message speaks in the library's terms (``base=``, a parameter's name); ``cli``, when
    given, is the same message in the command line's terms (``--base IRI``, ``--param``), which
    the command line prints instead (:attr:`cli_message`).
    """

    exit_code: int = EXIT_BAD_INPUT

    def __init__(self, message: str, *args: Any, cli: str | None = None) -> None:
        super().__init__(message, *args)
        self.message = message
        self.cli = cli

    def __str__(self) -> str:
        return self.message

    @property
    def cli_message(self) -> str:
        """The message as the command line says it."""
        return self.cli or str(self)


class UsageError(KgError, ValueError):
    """Arguments that do not make sense together, or an unknown option value."""


class ProjectError(KgError, FileNotFoundError):
    """A project folder that is missing, or lacks ``ontology/`` or ``data/``."""


class InputError(KgError, ValueError):
    """Input data that ``kg`` cannot accept."""


def _position(path: str | Path | None, line: int | None, column: int | None) -> str:
    where = str(path) if path is not None else "<input>"
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    return where


class RdfSyntaxError(InputError, SyntaxError):
    """Malformed RDF, with the file, line and column (1-based) where parsing stopped."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        cli: str | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        self.reason = message
        where = _position(path, line, column)
        super().__init__(f"{where}: {message}", cli=None if cli is None else f"{where}: {cli}")
        self.msg = self.message  # what a traceback (or a notebook) shows of a SyntaxError
        self.filename = self.path
        self.lineno = line
        self.offset = column

    def __str__(self) -> str:
        return self.message


class UnsafeInputError(InputError):
    """Input that asks for something ``kg`` refuses to do: fetch a remote JSON-LD context,
    resolve an XML external entity or DOCTYPE."""


class CanonicalizationLimitError(UnsafeInputError):
    """Blank nodes so symmetric that labelling them canonically would exceed the work budget
    (see :mod:`kg.rdfc`)."""


class UnreadableInputError(InputError, OSError):
    """A path that does not exist or cannot be read."""


class QueryError(KgError, ValueError):
    """A SPARQL query that cannot be run as asked."""


class QuerySyntaxError(QueryError, SyntaxError):
    """Malformed SPARQL, with the line and column the parser reported."""

    def __init__(
        self, message: str, *, line: int | None = None, column: int | None = None, source: str | None = None
    ) -> None:
        self.line = line
        self.column = column
        self.reason = message
        super().__init__(f"{_position(source or '<query>', line, column)}: {message}")
        self.msg = self.message

    def __str__(self) -> str:
        return self.message


class UnknownQueryError(QueryError, LookupError):
    """No named query of that name in the project."""


class ParameterError(QueryError):
    """A query parameter that is missing, unknown or not of its declared type."""


class ReadOnlyQueryError(QueryError):
    """A SPARQL Update given where only read-only queries are accepted."""


class QueryTimeoutError(QueryError, TimeoutError):
    """A query that did not finish within its time limit; it was stopped."""

    exit_code = EXIT_TIMEOUT


class RemoteAccessRefused(QueryError):
    """A query or update that would make ``kg`` fetch a URL (``SERVICE``, ``LOAD``) where that
    is not allowed."""


class ResultTooLargeError(QueryError):
    """A result larger than its limit in bytes, or a query that needed more memory than a
    query worker may use; it was stopped."""


class StoreError(KgError, RuntimeError):
    """The store failed or refused an operation; nothing was changed."""

    exit_code = EXIT_STORE


class StaleStoreError(StoreError):
    """The files under ``data/`` or ``ontology/`` changed since the store was built."""


class StoreLockedError(StoreError):
    """Another process has the on-disk store open for writing."""


class EndpointError(StoreError, ConnectionError):
    """A remote SPARQL endpoint could not be used: unreachable, refused, timed out, an HTTP
    error (with the server's message), or not a SPARQL endpoint at all."""

    exit_code = EXIT_BAD_INPUT


class ValidationFailed(KgError):
    """``add`` refused data that does not conform; ``report`` says why. Nothing was written."""

    exit_code = EXIT_NONCONFORMING

    def __init__(self, message: str, report: ValidationReport) -> None:
        super().__init__(message)
        self.report = report
