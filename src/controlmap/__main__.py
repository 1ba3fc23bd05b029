"""``python -m controlmap``: the same as the ``controlmap`` command."""

from .cli import main

main()
