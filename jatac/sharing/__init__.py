"""Working together over a shared git remote: sync (renumbering clashing case ids), the field
by field view of a conflict, and settling it. It checks the whole repository before a
sync goes on, so it sits above the case rules.

May import: ``jatac.cases``, ``jatac.git`` and everything below them.
"""
