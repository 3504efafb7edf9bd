"""The records jatac keeps and their rules: cases, SARA packages, meetings and minutes, the
fund, the partnership's settings, and the words they use (statuses, markings, ids, places).

Pure data: nothing here reads a file, runs git or renders a document. The modules that
listing and the index read without pydantic (``vocab``, ``ids``, ``places``, ``facts``)
import nothing heavy. May import: ``jatac.errors``, ``jatac.clock``.
"""
