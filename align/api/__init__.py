"""The HTTP API and (later) pages over the align library."""

from .app import create_app

__all__ = ["create_app"]
