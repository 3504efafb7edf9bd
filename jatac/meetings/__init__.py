"""Meetings: each group's schedule and deadlines, meeting files and partners' items, the
agenda, the minutes (and carrying their decisions out), moving and cancelling meetings,
the calendar file.

May import: ``jatac.partnership``, ``jatac.cases`` and everything below them.
"""
