"""Who may see what: the personal-data guard, the restricted people store, the audience and
marking of every document (redaction), and output that is shown, never obeyed.

May import: ``jatac.storage``, ``jatac.models``, ``jatac.errors``, ``jatac.clock``.
"""
