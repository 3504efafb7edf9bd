"""Reading many record files fast, through libyaml; no ruamel here, so reads start quickly.

The careful round-trip path (comments kept, errors with lines and columns)
is jatac/yamlfile.py; what this module cannot read exactly as that one
would, it declines, and the caller takes the careful path.
"""

from __future__ import annotations

from typing import Any

from jatac.errors import Problem

MAX_BYTES = 1_000_000
CONFLICT_MARKERS = ("<<<<<<< ", "=======\n", ">>>>>>> ")


class YamlProblem(Exception):
    """The text is not a YAML mapping jatac can read; carries a positioned Problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


# -- the fast read path -----------------------------------------------------------
#
# ruamel's round trip costs ~8 ms a file; libyaml (through PyYAML) ~0.5 ms. Bulk
# reads (list, agenda, reports) take the fast path; anything it cannot read exactly
# as the round trip would (anchors, tags, merge keys, duplicate keys, syntax
# errors, or a record that then fails validation) goes the careful way, which
# also gives the line and column of every problem.

_FAST_AVOID = ("&", "*", "!", "<<")
_fast_loader: Any = None


def _loader() -> Any:
    global _fast_loader
    if _fast_loader is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class Loader(base):  # type: ignore[misc, valid-type]
            """libyaml with YAML 1.2 core scalars (as ruamel reads them) and no duplicate keys."""

            def construct_mapping(self, node: Any, deep: bool = False) -> Any:
                keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
                if len(keys) != len(set(map(repr, keys))):
                    raise yaml.YAMLError("duplicate key")
                return super().construct_mapping(node, deep=deep)

        # YAML 1.1's yes/no/on/off booleans, sexagesimal and 0-prefixed octal numbers differ
        # from YAML 1.2's; keep only the 1.2 core forms (an `on:` key must stay the text "on")
        Loader.yaml_implicit_resolvers = {
            first: [(tag, rx) for tag, rx in resolvers if tag not in _RESOLVED_AGAIN]
            for first, resolvers in base.yaml_implicit_resolvers.items()
        }
        import re

        for tag, pattern, firsts in (
            ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
            ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789"),
            (
                "tag:yaml.org,2002:float",
                r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$",
                "-+.0123456789",
            ),
        ):
            Loader.add_implicit_resolver(tag, re.compile(pattern), list(firsts))
        Loader.add_constructor(
            "tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node))
        )
        _fast_loader = Loader
    return _fast_loader


_RESOLVED_AGAIN = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


def fast_load(text: str) -> dict[str, Any] | None:
    """Plain data from ``text`` via libyaml, or None when only the careful path will do."""
    if len(text) > MAX_BYTES or "\x00" in text or any(m in text for m in _FAST_AVOID):
        return None
    if any(line.startswith(CONFLICT_MARKERS) for line in text.splitlines(keepends=True)):
        return None
    import yaml

    try:
        data = yaml.load(text, Loader=_loader())
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None
