"""A case's life: raising it, changing it, listing and finding cases, the SARA package and
its action plan, reviews, and the checks that records agree with each other.

May import: ``jatac.render``, ``jatac.git``, ``jatac.guard``, ``jatac.storage``,
``jatac.models``, ``jatac.errors``, ``jatac.clock``.
"""
