"""The records jatac keeps, and their rules. Imports nothing of files, git or templates."""

import os
import sys
import types


def _no_plugin_search() -> None:
    """jatac uses no pydantic plugins, and looking for them imports importlib.metadata and
    reads the metadata of every installed package: 30-40 ms at the start of every command
    that checks a record. pydantic is told there are none, unless the person has named
    plugins to use in PYDANTIC_DISABLE_PLUGINS (its switch for them)."""
    if "pydantic.plugin._loader" in sys.modules or os.environ.get(
        "PYDANTIC_DISABLE_PLUGINS", "__all__"
    ) not in {
        "__all__",
        "1",
        "true",
    }:
        return
    loader = types.ModuleType("pydantic.plugin._loader")
    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
    sys.modules["pydantic.plugin._loader"] = loader


_no_plugin_search()
