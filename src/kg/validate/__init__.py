"""Validation against the project's SHACL shapes: whole graph, or new data in context."""

from kg.validate.report import Finding, ValidationReport

__all__ = ["Finding", "ValidationReport"]
