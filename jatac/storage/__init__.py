"""Records on disk: finding the repository, reading files fast or round-trip (comments kept,
errors with lines and columns), the read index, jatac's sealed local state, the lock, and
the one rule that keeps every path inside the repository.

Reads and writes files; never runs git (that is ``jatac.git``) and never decides what a
change means. May import: ``jatac.models``, ``jatac.errors``, ``jatac.clock``.
"""
