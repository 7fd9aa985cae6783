"""The web server: a SPARQL 1.1 endpoint, linked-data entity pages and pages for people.

>>> from kg.server import Settings, create_app
>>> Settings().host
'127.0.0.1'
"""

from kg.server.app import create_app
from kg.server.settings import Settings

__all__ = ["Settings", "create_app"]
