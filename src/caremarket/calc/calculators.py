"""The calculators served by `caremarket calc NAME` and `POST /api/v1/calc/NAME`.

One table so the command line and the API apply the same contract: JSON in, JSON out, and
on bad input one line per problem naming the field (exit 2 / HTTP 400).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

MAX_INPUT_BYTES = 5 * 1024 * 1024


class CalculatorInputError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Calculator:
    name: str
    module: str
    function: str
    error: str
    summary: str

    def run(self, payload: Any, **extra: Any) -> dict[str, Any]:
        """Run on already-parsed JSON; rule errors become CalculatorInputError."""
        module = import_module(self.module)
        error_class: type[Exception] = getattr(module, self.error)
        function: Callable[..., dict[str, Any]] = getattr(module, self.function)
        try:
            return function(payload, **extra)
        except error_class as error:
            raise CalculatorInputError(list(getattr(error, "problems", [str(error)]))) from None


CALCULATORS = {
    c.name: c
    for c in (
        Calculator(
            "sufficiency",
            "caremarket.rules.sufficiency",
            "calculate",
            "SufficiencyInputError",
            "Demand, supply and gap by service and year (ratio, prevalence and trend models)",
        ),
        Calculator(
            "charge",
            "caremarket.rules.charging",
            "estimate",
            "ChargingInputError",
            "Care Act charging estimate: what a person may pay each week",
        ),
    )
}


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON")


def parse_json(text: str | bytes) -> Any:
    """Parse strict JSON (no NaN/Infinity); problems come back as one line naming `$`."""
    if len(text) > MAX_INPUT_BYTES:
        raise CalculatorInputError(
            [f"$: input is larger than {MAX_INPUT_BYTES // 1024 // 1024} MB"]
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise CalculatorInputError(["$: input is not UTF-8 text"]) from None
    if not text.strip():
        raise CalculatorInputError(["$: no input: give a JSON object"])
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise CalculatorInputError(
            [f"$: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"]
        ) from None
    except (ValueError, RecursionError) as error:
        raise CalculatorInputError([f"$: not valid JSON: {error}"]) from None


def to_json(result: dict[str, Any]) -> str:
    """JSON for output; a non-finite number is a bug in a rule, so json refuses it loudly."""
    return json.dumps(result, ensure_ascii=False, allow_nan=False, default=str)
