"""Reading many record files fast, through libyaml; no ruamel here, so reads start quickly.

The careful round-trip path (comments kept, errors with lines and columns)
is jatac/storage/yaml_roundtrip.py; what this module cannot read exactly as that one
would, it declines, and the caller takes the careful path.
"""

from __future__ import annotations

import re
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
# reads (list, agenda, reports) take the fast path. The two must agree on every
# file, or the fast one must decline: a title that lists and shows but that `set`
# then refuses is a lie. So the fast path resolves plain scalars with ruamel's own
# YAML 1.2 rules (the same tag for the same text), constructs only the forms whose
# value is beyond doubt (decimal ints, plain floats, dates, true/false, null), and
# declines everything else: hex, octal and binary ints, underscores, .inf and .nan,
# date-times, merge keys, anchors, tags, duplicate keys, syntax errors. A declined
# file goes the careful way, which also gives the line and column of every problem.

_FAST_AVOID = ("&", "*", "!", "<<", "\t")  # and tabs: libyaml takes some ruamel refuses
_fast_loader: Any = None
_BLANK_WITH_SPACES = re.compile(r"(?m)^ +$")


class _Decline(Exception):
    """The fast reader cannot be sure to read this as the round trip would."""


def _rules() -> dict[str, list[tuple[str, Any]]]:
    """ruamel's YAML 1.2 implicit resolvers (ruamel.yaml.resolver), by first character."""
    import re

    table = [
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        (
            "float",
            r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
            |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
            "-+0123456789.",
        ),
        ("int", r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$", "-+0123456789"),
        ("merge", r"^(?:<<)$", "<"),
        ("null", r"^(?:~|null|Null|NULL|)$", "~nN"),
        (
            "timestamp",
            r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
            |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
            (?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
            (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
            "0123456789",
        ),
        ("value", r"^(?:=)$", "="),
    ]
    rules: dict[str, list[tuple[str, Any]]] = {}
    for name, pattern, firsts in table:
        compiled = re.compile(pattern, re.X)
        for ch in [*firsts, *([""] if name == "null" else [])]:  # an empty plain scalar is null
            rules.setdefault(ch, []).append((f"tag:yaml.org,2002:{name}", compiled))
    return rules


def _loader() -> Any:
    global _fast_loader
    if _fast_loader is None:
        import re

        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        rules = _rules()
        plain_int = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
        plain_float = re.compile(r"^[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$")
        plain_date = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

        class Loader(base):  # type: ignore[misc, valid-type]
            """libyaml, resolving as ruamel's YAML 1.2 does, with no duplicate keys."""

            def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
                if kind is yaml.ScalarNode and implicit[0]:
                    for tag, rule in rules.get(value[:1], ()):
                        if rule.match(value):
                            return tag
                    return "tag:yaml.org,2002:str"
                return super().resolve(kind, value, implicit)

            def construct_mapping(self, node: Any, deep: bool = False) -> Any:
                keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
                if len(keys) != len(set(map(repr, keys))):
                    raise _Decline("duplicate key")
                return super().construct_mapping(node, deep=deep)

        def only(pattern: Any, make: Any) -> Any:
            def construct(loader: Any, node: Any) -> Any:
                value = loader.construct_scalar(node)
                if not pattern.match(value):
                    raise _Decline(value)
                return make(value)

            return construct

        Loader.add_constructor("tag:yaml.org,2002:int", only(plain_int, int))
        Loader.add_constructor("tag:yaml.org,2002:float", only(plain_float, float))
        Loader.add_constructor("tag:yaml.org,2002:timestamp", only(plain_date, _date))
        for tag in ("merge", "value"):
            Loader.add_constructor(f"tag:yaml.org,2002:{tag}", only(re.compile("$^"), str))
        _fast_loader = Loader
    return _fast_loader


def _date(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)


def fast_load(text: str) -> dict[str, Any] | None:
    """Plain data from ``text`` via libyaml, or None when only the careful path will do."""
    if len(text) > MAX_BYTES or "\x00" in text or any(m in text for m in _FAST_AVOID):
        return None
    if any(line.startswith(CONFLICT_MARKERS) for line in text.splitlines(keepends=True)):
        return None
    if _BLANK_WITH_SPACES.search(text):  # ruamel refuses some block scalars libyaml takes
        return None
    import yaml

    try:
        data = yaml.load(text, Loader=_loader())
    except (yaml.YAMLError, ValueError, RecursionError, _Decline):
        return None
    return data if isinstance(data, dict) else None
