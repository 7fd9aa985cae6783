"""Stores: the seam and its implementations."""

from kg.store.base import Store
from kg.store.embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "Store"]
