"""Stores: the seam (:mod:`kg.store.base`) and its implementations."""

from kg.store.base import Capabilities, Dataset, QueryRequest, Store
from kg.store.embedded import EmbeddedStore

__all__ = ["Capabilities", "Dataset", "EmbeddedStore", "QueryRequest", "Store"]
