"""The OB1 of ``bench/scan.py`` written as plain Python: the baseline the simulated PLC is compared with.

Each SCL statement kind of ``scan._STATEMENT_KINDS`` is the Python line a programmer would write for it over a
dict (the global DB ``"Data"``), with the CPU's arithmetic: Int and DInt wrap around, MOD truncates toward zero
(sign of the dividend), Real is a Python float. The 10 calls of ``FB_Unit`` call :class:`Unit`, a class with
``__slots__`` holding the instance data, its TON and its R_TRIG. The OB1 body is straight-line code (no
interpretation per statement): it is built once from the same statement list as the SCL, so both run the same
200 statements in the same order.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ("PlainOb1", "Unit")

_N_VARS = 20
_PT_NS = 500_000_000
"""``PT := T#500ms``."""

_INT = "(({x}) + 32768 & 0xFFFF) - 32768"
_DINT = "(({x}) + 2147483648 & 0xFFFFFFFF) - 2147483648"

# The Python line for each of scan._STATEMENT_KINDS, in the same order.
_LINES = (
    'd["i{n}"] = ' + _INT.format(x='d["i{n}"] + {k}'),
    'd["d{n}"] = ' + _DINT.format(x='d["d{n}"] * 3 - d["i{n}"]'),
    'd["r{n}"] = d["r{n}"] * 0.99 + 0.5',
    'd["b{n}"] = d["i{n}"] > {k} and not d["b{n}"]',
    'v = d["d{n}"]\nif v > 1000:\n    d["d{n}"] = 0\nelif v < -1000:\n    d["d{n}"] = 1',
    'v = d["i{n}"]\na[{idx}] = ' + _INT.format(x="a[{idx}] + (v - int(v / 7) * 7)"),
    'q[{q}] = i[{q}] != d["b{n}"]',
    'mw[{q}] = ' + _INT.format(x="mw[{q}] + 1"),
)


class Unit:
    """``FB_Unit`` by hand: its static data, a TON (500 ms) and an R_TRIG."""

    __slots__ = ("busy", "count", "edge_m", "hist", "level", "mode", "out", "t_in", "t_q", "t_start")

    def __init__(self) -> None:
        self.busy = False
        self.out = 0.0
        self.count = 0
        self.level = 1.5
        self.mode = 0
        self.hist = [0] * 8
        self.t_in = False
        self.t_q = False
        self.t_start = 0
        self.edge_m = False

    def call(self, run: bool, setpoint: int, now: int) -> float:
        # TON: Q once IN has been true for PT.
        if run:
            if not self.t_in:
                self.t_start = now
            self.t_q = now - self.t_start >= _PT_NS
        else:
            self.t_q = False
        self.t_in = run
        # R_TRIG
        rising = run and not self.edge_m
        self.edge_m = run
        if rising:
            self.count = (self.count + 1 + 2147483648 & 0xFFFFFFFF) - 2147483648
        d = (setpoint - self.mode + 32768 & 0xFFFF) - 32768
        k = d - int(d / 8) * 8
        if k < 0:
            k = -k
        self.hist[k] = (self.hist[k] + 1 + 32768 & 0xFFFF) - 32768
        self.level = self.level * 0.5 + float(d) * 0.25
        mode = self.mode
        if mode == 0:
            self.mode = 1
        elif 1 <= mode <= 3:
            self.mode = mode + 1
        else:
            self.mode = 0
        self.busy = (self.t_q and not run) or self.count > 100
        self.out = self.level + 1.0
        return self.out


def _ob1_source(statements: int, instances: int) -> str:
    body = [f'd["r{i % _N_VARS}"] = units[{i}].call(i[{i % 8}], d["i{i % _N_VARS}"], now)' for i in range(instances)]
    for s in range(statements - instances):
        line = _LINES[s % len(_LINES)]
        body.append(line.format(n=s % _N_VARS, k=s % 5 + 1, idx=s % 16, q=s % 8))
    indented = "\n".join("    " + line for text in body for line in text.split("\n"))
    return f"def ob1(d, a, i, q, mw, units, now):\n{indented}\n"


class PlainOb1:
    """The program's state (the global DB as a dict, I/Q bits, the %MW words, the FB instances) and its OB1."""

    def __init__(self, statements: int, instances: int, *, inputs: int) -> None:
        namespace: dict[str, Any] = {}
        exec(compile(_ob1_source(statements, instances), "<plain OB1>", "exec"), namespace)
        self._ob1 = namespace["ob1"]
        # the keys interned, as a dict literal's are (the code's constant keys then match them by identity)
        self.data: dict[str, Any] = {}
        for n in range(_N_VARS):
            self.data.update({sys.intern(f"{x}{n}"): start
                              for x, start in (("i", 0), ("d", 0), ("r", 0.0), ("b", False))})
        self.array = [0] * 16
        self.inputs = [bool(inputs >> bit & 1) for bit in range(8)]
        self.outputs = [False] * 8
        self.words = [0] * 8
        self.units = [Unit() for _ in range(instances)]
        self.now = 0

    def scan(self, cycle_ns: int) -> None:
        """One OB1 call, ``cycle_ns`` after the previous one."""
        self.now += cycle_ns
        self._ob1(self.data, self.array, self.inputs, self.outputs, self.words, self.units, self.now)

    def data_names(self) -> list[str]:
        """The members of the global DB compared with the simulated PLC's."""
        return [name for name in self.data if not name.startswith("r")]

    def data_values(self) -> dict[str, Any]:
        """Their values (Reals left out: the CPU rounds them to 32 bits, Python keeps 64), and the array."""
        return {**{name: self.data[name] for name in self.data_names()}, "a": list(self.array)}
