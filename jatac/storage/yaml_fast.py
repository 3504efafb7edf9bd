"""Reading many record files fast, through libyaml; no ruamel here, so reads start quickly.

The careful round-trip path (comments kept, errors with lines and columns)
is jatac/storage/yaml_roundtrip.py; what this module cannot read exactly as that one
would, it declines, and the caller takes the careful path.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator, Sequence
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
# date-times, merge keys, anchors, tags (and text that might hold one), duplicate keys,
# syntax errors. A declined file goes the careful way, which also gives the line and column
# of every problem; a file libyaml read but the models refuse is placed by libyaml's nodes.

_FAST_AVOID = ("<<", "\t")  # merge keys, and tabs: libyaml takes some ruamel refuses
# where an anchor (&a), an alias (*a) or a tag (!x) could begin: at the start of a line or after
# a space, a flow bracket, a comma or a colon (a JSON-like key's `"a":*b`). Text such as "Q&A",
# "5 * 3" or "help!" holds none; a quoted "*note*" is declined with the rest, to be sure.
_NODE_PROPERTY = re.compile(r"(?:^|[\s\ufeff\[{,:])(?:[&*][^\s\[\]{},]|!)", re.M)
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


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector held off while a reader builds a tree with no cycles: with
    it on, a 900 KB file costs three times as long (each young node is scanned again and
    again), and time grows faster than the file."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def fast_load(text: str) -> dict[str, Any] | None:
    """Plain data from ``text`` via libyaml, or None when only the careful path will do."""
    read = fast_read(text)
    return None if read is None else read[0]


def fast_read(text: str) -> tuple[dict[str, Any], Any] | None:
    """As ``fast_load``, with libyaml's node tree beside the data: where each key and value
    stands (``node_position``), so a file the models refuse is named by line and column from
    this one reading, not read again the careful way (ruamel takes 10 s over 900 KB)."""
    if len(text) > MAX_BYTES or "\x00" in text or any(m in text for m in _FAST_AVOID):
        return None
    if _NODE_PROPERTY.search(text):
        return None
    if any(line.startswith(CONFLICT_MARKERS) or line == "=======" for line in text.splitlines(keepends=True)):
        return None  # the careful path names the conflict's line
    if _BLANK_WITH_SPACES.search(text):  # ruamel refuses some block scalars libyaml takes
        return None
    import yaml

    loader = _loader()(text)
    try:
        with no_gc():
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
    except (yaml.YAMLError, ValueError, RecursionError, _Decline):
        return None
    finally:
        loader.dispose()
    return (data, node) if isinstance(data, dict) else None


def node_position(node: Any, loc: Sequence[str | int], at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the value (or key) at ``loc`` in a libyaml node tree, else of
    the nearest part above: the places ``yaml_roundtrip.position`` gives for the same file."""
    mark = node.start_mark
    for i, part in enumerate(loc):
        if node.id == "mapping":
            pair = next((kv for kv in node.value if kv[0].id == "scalar" and kv[0].value == str(part)), None)
            if pair is None:
                break
            key, node = pair
            whole = node.id != "scalar" or (at_key and i == len(loc) - 1)
            mark = key.start_mark if whole else node.start_mark
        elif node.id == "sequence" and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark.line + 1, mark.column + 1


LARGE = 100_000  # characters past which a declined file is first screened (``unknown_keys``)


def unknown_keys(text: str, fields: Sequence[str]) -> list[tuple[str, int, int]] | None:
    """The top-level keys of ``text`` that are not ``fields``, with their 1-based line and
    column, as libyaml finds them; None if libyaml cannot read it. For a large file the fast
    reader declined (a tab, an anchor): the careful reader takes ten seconds over 900 KB, and
    a key that is no field is refused whatever the rest holds, so it is refused first."""
    import yaml

    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)(text)
    try:
        with no_gc():
            node = loader.get_single_node()
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    finally:
        loader.dispose()
    if node is None or node.id != "mapping":
        return None
    known = set(fields)
    return [
        (key.value, key.start_mark.line + 1, key.start_mark.column + 1)
        for key, _ in node.value
        if key.id == "scalar" and key.value not in known
    ]
