"""Documents from Jinja templates: the sandboxed environment (text escaped for its format),
Typst for PDF, and where documents are written. Reads records, writes no case.

May import: ``jatac.guard``, ``jatac.storage``, ``jatac.models``, ``jatac.errors``,
``jatac.clock``.
"""
