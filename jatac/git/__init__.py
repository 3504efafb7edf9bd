"""The audit trail. ``audit`` is the only module that starts git; ``change`` is the one way
jatac commits (lock, personal-data check, journal, write, commit or roll back); the rest
reads the trail back (history) or checks what git would take (hooks).

May import: ``jatac.guard``, ``jatac.storage``, ``jatac.models``, ``jatac.errors``,
``jatac.clock``.
"""
