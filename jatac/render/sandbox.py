"""Jinja's sandbox with a budget: a template a partner pushed cannot run for ever or ask for
gigabytes, and is stopped with the name of the limit it reached.

Each rendering may take a number of steps (a turn of a ``{% for %}`` loop, a call, the
items a filter is handed), nest its calls only so deep, and make no string or list longer
than a limit by ``*``, ``+``, ``~`` or ``range``, nor by a replace, a join, expandtabs or a
format width (``%``, ``|format``, ``.format``), each checked before the string is made. A
real paper stays far below every one (the agenda of a partnership with 10,000 cases takes
2,400 steps, the site's longest page 20,000). The steps also bound the time in this
process: every few thousand, the clock is read.

Documents are also rendered in a child process with a memory and time limit
(``jatac.render.bounded``); this budget is what holds where that cannot run, and it
names the limit more precisely.
"""

from __future__ import annotations

import functools
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.environment import Template
from jinja2.exceptions import TemplateRuntimeError
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

STEPS = 2_000_000  # loop turns, calls, items handed to filters (a page of 10,000 cases: 20,000)
DEPTH = 50  # calls within calls (a macro calling itself)
ITEMS = 1_000_000  # characters of a string, or items of a list, made by *, +, ~
RANGE = 100_000  # items of one range()
BITS = 10_000  # a number's size in bits made by * or ** (10 ** 3000 is about 10,000 bits)
SECONDS = 30.0  # wall-clock time of one rendering, checked as it takes steps
_CLOCK_EVERY = 4096  # steps between two looks at the clock


class LimitExceeded(TemplateRuntimeError):
    """A template went over one of the limits above; the message says which."""


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


class _Counting(NodeTransformer):
    """Every loop's sequence and every ``~`` goes through the environment, which counts."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Call(
            nodes.EnvironmentAttribute("counted_turns"), [node.iter], [], None, None, lineno=node.lineno
        )
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Call(nodes.EnvironmentAttribute("sized"), [node], [], None, None, lineno=node.lineno)


class BudgetedTemplate(Template):
    """A template whose every rendering starts with a fresh budget."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        env = self.environment
        if isinstance(env, BudgetedEnvironment):
            env.start()
        return super().render(*args, **kwargs)

    def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        env = self.environment
        if isinstance(env, BudgetedEnvironment):
            env.start()
        return super().generate(*args, **kwargs)


class BudgetedEnvironment(SandboxedEnvironment):
    """The sandbox, counting what a rendering does (see the module's text)."""

    template_class = BudgetedTemplate
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = self.bounded_range
        self.filters = {name: counting_filter(self, f) for name, f in self.filters.items()}
        self.start()

    def start(self) -> None:
        self.steps_left = STEPS
        self.depth = 0
        self.deadline = time.monotonic() + SECONDS
        self._clock_in = _CLOCK_EVERY

    # -- counting -------------------------------------------------------------------------

    def step(self, n: int = 1) -> None:
        self.steps_left -= n
        if self.steps_left < 0:
            raise LimitExceeded(
                f"the template took more than {STEPS:,} steps (loop turns and calls); "
                "a real paper takes far fewer: look for loops within loops"
            )
        self._clock_in -= n
        if self._clock_in <= 0:
            self._clock_in = _CLOCK_EVERY
            if time.monotonic() > self.deadline:
                raise LimitExceeded(f"the template took longer than {SECONDS:g} seconds")

    def counted_turns(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.step()
            yield item

    def sized(self, value: Any) -> Any:
        self._check_size(_size(value))
        return value

    def _check_size(self, size: int) -> None:
        if size > ITEMS:
            raise LimitExceeded(
                f"the template made a string or list of {size:,} characters or items, "
                f"more than the limit of {ITEMS:,}"
            )

    def check_widths(self, args: Iterable[Any]) -> None:
        """A number handed to a filter or a string's method is a width or a count at most
        ``ITEMS`` (``center(10 ** 10)`` would ask for gigabytes at once)."""
        for value in args:
            if isinstance(value, int) and abs(value) > ITEMS:
                raise LimitExceeded(
                    f"the template asked for {value:,} characters or items, more than {ITEMS:,}"
                )

    def _check_bits(self, bits: int) -> None:
        if bits > BITS:
            raise LimitExceeded(f"the template made a number of about {bits:,} bits, more than {BITS:,}")

    def bounded_range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > RANGE:
            raise LimitExceeded(f"range() of {len(numbers):,} numbers, more than the limit of {RANGE:,}")
        return numbers

    # -- Jinja's sandbox hooks ------------------------------------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        counted: nodes.Template = _Counting().visit(tree)
        return counted

    def check_made(self, method: str, value: Any, args: tuple[Any, ...]) -> None:
        """What a string method or a filter would make, before it makes it: a replace or a join
        can ask for gigabytes out of two strings under the limit."""
        if method == "replace" and isinstance(value, str) and len(args) >= 2:
            old, new = str(args[0]), str(args[1])
            if len(new) > len(old):
                times = value.count(old) if old else len(value) + 1
                if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                    times = min(times, args[2])
                self._check_size(len(value) + times * (len(new) - len(old)))
        elif method == "expandtabs" and isinstance(value, str):
            size = args[0] if args and isinstance(args[0], int) else 8
            self._check_size(len(value) + value.count("\t") * max(size, 0))
        elif method == "join" and args and isinstance(args[0], list | tuple):
            glue = len(value) if isinstance(value, str) else 0
            self._check_size(sum(_size(x) for x in args[0]) + glue * len(args[0]))
        elif method in ("format", "%") and isinstance(value, str):
            widths = [int(n) for n in _WIDTH.findall(value)]  # "%0999999999d", "{:>999999999}"
            self.check_widths(widths)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.step()
        if isinstance(__obj, types.BuiltinMethodType) and isinstance(__obj.__self__, (str, list)):
            __self.check_widths([*args, *kwargs.values()])
            if isinstance(__obj.__self__, str):
                __self.check_made(__obj.__name__, __obj.__self__, args)
        if __self.depth >= DEPTH:
            raise LimitExceeded(
                f"calls nested more than {DEPTH} deep (a macro that calls itself without end?)"
            )
        __self.depth += 1
        try:
            return super().call(__context, __obj, *args, **kwargs)
        finally:
            __self.depth -= 1

    def wrap_str_format(self, value: Any) -> Any:
        """``str.format`` as the sandbox runs it, its widths held to the limit first."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            self.check_made("format", value.__self__, ())
        return wrapped

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        ints = isinstance(left, int) and isinstance(right, int)
        if operator == "*":
            if ints:
                self._check_bits(left.bit_length() + right.bit_length())
            elif isinstance(right, int):
                self._check_size(_size(left) * right)
            elif isinstance(left, int):
                self._check_size(_size(right) * left)
        elif operator == "**":
            if ints and right > 0 and abs(left) > 1:
                self._check_bits(right * abs(left).bit_length())
        elif operator == "+":
            self._check_size(_size(left) + _size(right))
        elif operator == "%":
            self.check_made("%", left, (right,))
        return super().call_binop(context, operator, left, right)


# a width or precision in a format string ("%0999999999d", "{:>999999999}"): digits after
# %, a flag, a colon, an alignment or a dot
_WIDTH = re.compile(r"(?:%[-+ #0]*|:[^}]?[<>=^]?[-+ ]?#?0?|\.)([0-9]{7,})")


def _is_context(value: Any) -> bool:
    from jinja2.nodes import EvalContext
    from jinja2.runtime import Context

    return isinstance(value, EvalContext | Context)


def counting_filter(env: BudgetedEnvironment, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` as a filter that takes one step plus one for each item of a list handed
    to it (sorting or joining a list is work in proportion to its length)."""

    name = getattr(function, "__name__", "")
    made = {"do_join": "join", "do_replace": "replace", "do_format": "format"}.get(name)

    @functools.wraps(function)  # keeps Jinja's pass_context marks
    def counted(*args: Any, **kwargs: Any) -> Any:
        env.step(1 + sum(len(a) for a in args if isinstance(a, (list, tuple, dict, set))))
        env.check_widths([*args[1:], *kwargs.values()])
        if made is not None:
            plain = [a for a in args if not _is_context(a)]  # pass_eval_context filters get one
            if made == "join" and plain:
                glue = plain[1] if len(plain) > 1 else kwargs.get("d", "")
                env.check_made("join", glue, (list(plain[0]) if isinstance(plain[0], list | tuple) else (),))
            elif plain:
                env.check_made(made, plain[0], tuple(plain[1:]))
        return function(*args, **kwargs)

    return counted
