"""The repository as a whole: making a new one, the demo copy of the example partnership,
and ``doctor``, which checks it end to end.

May import: every folder but ``jatac.cli``.
"""
