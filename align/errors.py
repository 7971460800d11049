"""The error tree of align.

Every error a user can cause or meet is an :class:`AlignError`. Each kind carries the exit
code the CLI returns and the HTTP status the API answers with, so both surfaces render
one error the same way::

    AlignError                    exit 1, HTTP 500
    ├── InputError                exit 2, HTTP 422   bad file, line, field or value
    │   └── UnsupportedInput      exit 2, HTTP 415   binary, empty or unreadable content
    ├── NotFound                  exit 3, HTTP 404   unknown article, segment or event id
    ├── IndexMismatch             exit 4, HTTP 409   index built by another embedder
    ├── IndexCorrupt              exit 5, HTTP 500   index directory cannot be read
    ├── DependencyMissing         exit 6, HTTP 501   an optional extra or model is absent
    └── IndexBusy                 exit 7, HTTP 423   another process holds the index directory
"""

from __future__ import annotations


class AlignError(Exception):
    """Base of every error align raises on purpose."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(AlignError):
    """The input names something wrong: a file, a line, a field or a value."""

    exit_code = 2
    http_status = 422


class UnsupportedInput(InputError):
    """The content cannot be read as text at all (binary, empty, undecodable)."""

    http_status = 415


class NotFound(AlignError):
    """An id that the store does not hold."""

    exit_code = 3
    http_status = 404


class IndexMismatch(AlignError):
    """The index directory was built by another embedder or dimension."""

    exit_code = 4
    http_status = 409


class IndexCorrupt(AlignError):
    """The index directory exists but its files cannot be read."""

    exit_code = 5
    http_status = 500


class IndexBusy(AlignError):
    """Another align process is writing to this index directory."""

    exit_code = 7
    http_status = 423


class DependencyMissing(AlignError):
    """An optional extra or a model is not installed; the message says how to install it."""

    exit_code = 6
    http_status = 501
