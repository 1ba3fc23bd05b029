"""The exceptions controlmap raises: one root, each also the builtin it resembles.

Not for warnings about single inputs: those are collected as `Problem` records
so that the rest of a corpus is still processed.
"""

from __future__ import annotations


class ControlMapError(Exception):
    """Root of every error controlmap raises on purpose."""


class InputError(ControlMapError, ValueError):
    """A user-supplied file or value cannot be used (message names which and why)."""


class UndatedError(InputError):
    """No event of the corpus has a date, so there is no timeline to draw."""


class DataError(ControlMapError, ValueError):
    """A bundled or user-supplied data layer (gazetteer, boundaries) is malformed."""


class GeocodingError(ControlMapError, LookupError):
    """An opt-in online geocoder failed."""


class OutputError(ControlMapError, FileExistsError):
    """Writing an output would overwrite or go through something controlmap must not touch.

    A file it did not write, a symbolic link, or the corpus folder itself.
    """
