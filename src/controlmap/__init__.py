"""controlmap: news articles about a war in, a day-by-day map of who controls what out."""

from __future__ import annotations

__all__: list[str] = []
__version__ = "0.1.0"
