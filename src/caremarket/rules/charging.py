"""Care Act charging: an estimate of what one person pays towards their care each week.

People ask "what will I pay?" long before a council's financial assessment; this gives an honest
estimate with every step explained. It follows the Care and Support (Charging and Assessment of
Resources) Regulations 2014 (SI 2014/2672) and Annexes B and C of the Care and Support
statutory guidance, for care at home and in a care home, for a single person. The year's
amounts come from the dated figure files (``figures_store``), never from today's date.

Simplifications, each said to the person in a step where it matters:
- a single person only (a couple's assessment splits joint capital and income);
- War Pension Scheme payments are ignored in full (Constant Attendance Allowance counts and only
  £10 of a war widow's pension is ignored: enter those as ``other_benefit``/``other``);
- pension credit age is State Pension age from the date of birth: 66 for people born 6 October
  1954 to 5 April 1960, 66 and 1 to 11 months for 6 April 1960 to 5 March 1961, 67 after that
  (the later rise to 68 is not modelled); anyone born earlier reached it before 2021.

Council discretions (a higher capital limit at home, ignoring the night-care part of a
disability benefit, charging a percentage of spare income, a maximum or minimum charge) live in
:class:`ChargingPolicy`, whose defaults are the statutory minimum.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from caremarket.rules.figures_store import (
    FigureOverrides,
    MissingFigureError,
    check_overrides,
    figure_value,
    figures_source,
    financial_year_start,
    load_figures,
    year_label_in_words,
)

__all__ = [
    "INCOME_TYPES",
    "RATES",
    "SETTINGS",
    "ChargingInputError",
    "ChargingPolicy",
    "estimate",
    "pension_credit_age_date",
    "tariff_income",
]

SETTINGS = ("home", "care_home")

INCOME_LABELS: dict[str, str] = {
    "state_pension": "State Pension",
    "private_pension": "private or work pension",
    "pension_credit_guarantee": "Pension Credit (Guarantee Credit)",
    "savings_credit": "Pension Credit (Savings Credit)",
    "universal_credit": "Universal Credit",
    "esa": "Employment and Support Allowance",
    "pip_daily_living": "PIP daily living",
    "pip_mobility": "PIP mobility",
    "dla_care": "DLA care",
    "dla_mobility": "DLA mobility",
    "attendance_allowance": "Attendance Allowance",
    "earnings": "earnings",
    "war_pension": "war pension",
    "other_benefit": "other benefit",
    "other": "other income",
}
INCOME_TYPES = tuple(INCOME_LABELS)

RATES: dict[str, tuple[str, ...]] = {
    "attendance_allowance": ("lower", "higher"),
    "pip_daily_living": ("standard", "enhanced"),
    "pip_mobility": ("standard", "enhanced"),
    "dla_care": ("lowest", "middle", "highest"),
    "dla_mobility": ("lower", "higher"),
}
"""Income types that need a ``rate``, and the rates each may have."""

OPTIONAL_RATES: dict[str, tuple[str, ...]] = {"esa": ("support", "work_related_activity")}
"""Income types that may have a ``rate`` (ESA's group, for the disability premium)."""

# Published weekly rate of each disability benefit, to check amounts and size night care.
_RATE_FIGURES: dict[tuple[str, str], str] = {
    ("attendance_allowance", "higher"): "benefits.attendance_allowance.higher",
    ("attendance_allowance", "lower"): "benefits.attendance_allowance.lower",
    ("pip_daily_living", "enhanced"): "benefits.pip.daily_living_enhanced",
    ("pip_daily_living", "standard"): "benefits.pip.daily_living_standard",
    ("pip_mobility", "enhanced"): "benefits.pip.mobility_enhanced",
    ("pip_mobility", "standard"): "benefits.pip.mobility_standard",
    ("dla_care", "highest"): "benefits.dla.care_highest",
    ("dla_care", "middle"): "benefits.dla.care_middle",
    ("dla_care", "lowest"): "benefits.dla.care_lowest",
}
# The night-care element is the top rate minus the rate below it.
_NIGHT_CARE: dict[str, tuple[str, str]] = {
    "attendance_allowance": ("higher", "lower"),
    "dla_care": ("highest", "middle"),
    "pip_daily_living": ("enhanced", "standard"),
}
_CARE_BENEFITS = ("attendance_allowance", "dla_care", "pip_daily_living")
_ALWAYS_IGNORED: dict[str, str] = {
    "pip_mobility": "the mobility part of PIP is never counted",
    "dla_mobility": "the mobility part of DLA is never counted",
    "earnings": "earnings are never counted",
    "war_pension": (
        "War Pension Scheme payments are not counted (if this is Constant Attendance Allowance, "
        "enter it as another benefit; only £10 of a war widow's or widower's pension is ignored)"
    ),
}

UPPER = "capital.upper_limit"
LOWER = "capital.lower_limit"
DIVISOR = "capital.tariff_divisor"
PEA = "care_home.personal_expenses_allowance"
SAVINGS_CREDIT_DISREGARD = "care_home.savings_credit_disregard"

TARIFF_PER_STEP = Decimal(1)
PROPERTY_DISREGARD_WEEKS = 12
SALE_COSTS = Decimal("0.10")
PENCE = Decimal("0.01")
CAPITAL_LIMIT = Decimal(1_000_000_000)
WEEKLY_LIMIT = Decimal(1_000_000)
_PLACEHOLDER = Decimal(1)

_FIELDS = (
    "financial_year",
    "assessment_date",
    "setting",
    "age",
    "date_of_birth",
    "pension_credit_age",
    "capital",
    "weekly_income",
    "night_care_provided",
    "disability_related_expenditure",
    "housing_costs",
    "weekly_cost_of_care",
    "policy",
    "home_value",
    "home_debt",
    "qualifying_relative_in_home",
    "week_of_stay",
    "couple",
    "lone_parent",
    "dependent_children",
    "carer_premium",
    "registered_blind",
)
_INCOME_FIELDS = ("type", "amount", "rate", "description")


class ChargingInputError(ValueError):
    """The payload cannot be estimated; ``problems`` has one line per problem, naming the field."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class ChargingPolicy:
    """A council's charging choices; the defaults are the statutory minimum."""

    disregard_night_care_element: bool = False
    """Ignore the top rate minus the next rate of AA and DLA care when no night care is given."""
    night_care_element_includes_pip: bool = False
    """Treat PIP daily living enhanced the same way (some councils do; PIP has no night test)."""
    upper_capital_limit_at_home: Decimal | None = None
    """A higher upper capital limit for care at home (at least the statutory one)."""
    lower_capital_limit_at_home: Decimal | None = None
    """A higher lower capital limit for care at home (at least the statutory one)."""
    dre_without_disability_benefits: bool = False
    """Allow Disability Related Expenditure even when no disability benefit counts as income."""
    percentage_of_available_income_at_home: Decimal = Decimal(100)
    """Charge only this share of the income left after the allowances, for care at home."""
    maximum_weekly_charge_at_home: Decimal | None = None
    """Never charge more than this a week for care at home."""
    minimum_weekly_charge_at_home: Decimal = Decimal(0)
    """Do not collect a weekly charge for care at home below this."""


_POLICY_BOOLS = (
    "disregard_night_care_element",
    "night_care_element_includes_pip",
    "dre_without_disability_benefits",
)
_POLICY_MONEY = (
    "upper_capital_limit_at_home",
    "lower_capital_limit_at_home",
    "maximum_weekly_charge_at_home",
    "minimum_weekly_charge_at_home",
)
_POLICY_FIELDS = (*_POLICY_BOOLS, *_POLICY_MONEY, "percentage_of_available_income_at_home")


@dataclass(frozen=True)
class _Income:
    index: int
    type: str
    amount: Decimal
    rate: str | None


@dataclass
class _Input:
    year: str
    day: date
    setting: str
    age: int | None
    date_of_birth: date | None
    pension_credit_age: bool | None
    capital: Decimal
    income: list[_Income]
    night_care_provided: bool
    dre: Decimal
    housing: Decimal
    cost: Decimal
    policy: ChargingPolicy
    home_value: Decimal
    home_debt: Decimal
    qualifying_relative: bool
    week_of_stay: int | None
    couple: bool
    lone_parent: bool
    dependent_children: int
    carer_premium: bool
    registered_blind: bool


# --- dates ----------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    """Same day of the month ``months`` later, or that month's last day if it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _age_on(born: date, day: date) -> int:
    """Whole years between ``born`` and ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def pension_credit_age_date(date_of_birth: date) -> date:
    """The day someone reaches pension credit age (State Pension age), simplified.

    66 for people born 6 October 1954 to 5 April 1960; 66 years and 1 to 11 months for people
    born 6 April 1960 to 5 March 1961 (one more month for each monthly band from the 6th);
    67 for people born later (the rise to 68 is not modelled). People born earlier reached it
    by October 2020, before any year this estimate covers, so 65 stands in for their exact age.
    """
    if date_of_birth < date(1954, 10, 6):
        return _add_months(date_of_birth, 65 * 12)
    if date_of_birth < date(1960, 4, 6):
        return _add_months(date_of_birth, 66 * 12)
    if date_of_birth < date(1961, 3, 6):
        band = (
            (date_of_birth.year - 1960) * 12
            + date_of_birth.month
            - 4
            + (1 if date_of_birth.day >= 6 else 0)
        )
        return _add_months(date_of_birth, 66 * 12 + band)
    return _add_months(date_of_birth, 67 * 12)


def _long_date(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


# --- money ----------------------------------------------------------------------------------


def tariff_income(capital: Decimal, lower: Decimal, upper: Decimal, divisor: Decimal) -> Decimal:
    """£1 a week for every ``divisor`` (or part of it) of capital above ``lower`` (reg. 25)."""
    if capital <= lower or divisor <= 0:
        return Decimal(0)
    excess = min(capital, upper) - lower
    return (excess / divisor).to_integral_value(rounding=ROUND_CEILING) * TARIFF_PER_STEP


def _pence(amount: Decimal) -> Decimal:
    return amount.quantize(PENCE, rounding=ROUND_HALF_UP)


def _gbp(amount: Decimal) -> str:
    """£18,400 for whole pounds, £17,050.91 otherwise; a minus sign in front when negative."""
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        return f"{sign}£{int(amount):,}"
    return f"{sign}£{_pence(amount):,}"


def _out(amount: Decimal) -> float:
    """Money for JSON: rounded to pence in Decimal, then a float."""
    return float(_pence(amount))


# --- reading the payload --------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    """A finite Decimal from a JSON number or numeric text, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and 0 < len(value.strip()) <= 40:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


class _Reader:
    """Reads fields of one JSON object, collecting a problem per bad field."""

    def __init__(self, data: Mapping[Any, Any], prefix: str, problems: list[str]) -> None:
        self.data = data
        self.prefix = prefix
        self.problems = problems

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.prefix}{key}: {message}")

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def unknown(self, known: Sequence[str]) -> None:
        for key in self.data:
            if key not in known:
                self.problem(str(key), "unknown field")

    def money(self, key: str, *, limit: Decimal, required: bool = False) -> Decimal | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(key, "is required (a number of pounds)")
            return None
        number = _number(value)
        if number is None:
            self.problem(key, "must be a number of pounds")
            return None
        if number < 0:
            self.problem(key, "must not be negative")
            return None
        if number > limit:
            self.problem(key, f"must be no more than {limit:,}")
            return None
        return number

    def boolean(self, key: str, default: bool | None) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(key, "must be true or false")
            return default
        return value

    def whole(self, key: str, low: int, high: int, what: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        number = _number(value)
        if number is None or number != number.to_integral_value():
            self.problem(key, f"must be a whole number ({what})")
            return None
        if not low <= number <= high:
            self.problem(key, f"must be between {low} and {high} ({what})")
            return None
        return int(number)

    def day(self, key: str) -> date | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str) and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(key, "must be a date written YYYY-MM-DD")
        return None

    def choice(
        self, key: str, options: Sequence[str], required: bool, after: str = ""
    ) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.problem(key, f"is required: one of {', '.join(options)}{after}")
            return None
        if not isinstance(value, str) or value not in options:
            self.problem(key, f"must be one of {', '.join(options)}{after}")
            return None
        return value


def _read_policy(value: Any, problems: list[str]) -> ChargingPolicy:
    if value is None:
        return ChargingPolicy()
    if not isinstance(value, Mapping):
        problems.append('policy: must be an object such as {"disregard_night_care_element": true}')
        return ChargingPolicy()
    reader = _Reader(value, "policy.", problems)
    reader.unknown(_POLICY_FIELDS)
    settings: dict[str, Any] = {}
    for key in _POLICY_BOOLS:
        flag = reader.boolean(key, None)
        if flag is not None:
            settings[key] = flag
    for key in _POLICY_MONEY:
        amount = reader.money(key, limit=CAPITAL_LIMIT)
        if amount is not None:
            settings[key] = amount
    percent = reader.money("percentage_of_available_income_at_home", limit=Decimal(100))
    if percent is not None:
        settings["percentage_of_available_income_at_home"] = percent
    return ChargingPolicy(**settings)


def _read_income(value: Any, problems: list[str]) -> list[_Income]:
    if value is None:
        problems.append("weekly_income: is required (a list, which may be empty)")
        return []
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        problems.append("weekly_income: must be a list of {type, amount} objects")
        return []
    items: list[_Income] = []
    for index, entry in enumerate(value):
        prefix = f"weekly_income[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{prefix}: must be an object with type and amount")
            continue
        reader = _Reader(entry, prefix + ".", problems)
        reader.unknown(_INCOME_FIELDS)
        kind = reader.choice("type", INCOME_TYPES, required=True)
        amount = reader.money("amount", limit=WEEKLY_LIMIT, required=True)
        rate: str | None = None
        if kind in RATES:
            rate = reader.choice("rate", RATES[kind], required=True, after=f" for {kind}")
        elif kind in OPTIONAL_RATES:
            rate = reader.choice("rate", OPTIONAL_RATES[kind], required=False, after=f" for {kind}")
        elif kind is not None and entry.get("rate") not in (None, ""):
            reader.problem("rate", f"is not used for {kind}; leave it out")
        if kind is not None and amount is not None:
            items.append(_Income(index, kind, amount, rate))
    return items


def _read(payload: Any) -> tuple[_Input | None, list[str], date | None]:
    """Validate the payload: the parsed input (None if any problem), problems, assessment day."""
    if not isinstance(payload, Mapping):
        return None, ["payload: must be a JSON object"], None
    problems: list[str] = []
    reader = _Reader(payload, "", problems)
    reader.unknown(_FIELDS)

    year = payload.get("financial_year")
    day: date | None = None
    if year is None or year == "":
        reader.problem("financial_year", "is required: a charging year such as 2025/26")
    elif not isinstance(year, str):
        reader.problem("financial_year", "must be a charging year such as 2025/26")
    else:
        try:
            day = financial_year_start(year.strip())
            year = year.strip()
        except ValueError:
            reader.problem("financial_year", "must be a charging year such as 2025/26")
    given_day = reader.day("assessment_date")
    if given_day is not None and day is not None:
        end = date(day.year + 1, 4, 5)
        if not day <= given_day <= end:
            reader.problem(
                "assessment_date",
                f"must fall in {year} ({_long_date(day)} to {_long_date(end)})",
            )
        else:
            day = given_day

    setting = reader.choice("setting", SETTINGS, required=True)
    capital = reader.money("capital", limit=CAPITAL_LIMIT, required=True)
    cost = reader.money("weekly_cost_of_care", limit=WEEKLY_LIMIT, required=True)
    dre = reader.money("disability_related_expenditure", limit=WEEKLY_LIMIT)
    housing = reader.money("housing_costs", limit=WEEKLY_LIMIT)
    home_value = reader.money("home_value", limit=CAPITAL_LIMIT)
    home_debt = reader.money("home_debt", limit=CAPITAL_LIMIT)
    income = _read_income(payload.get("weekly_income"), problems)
    policy = _read_policy(payload.get("policy"), problems)

    age = reader.whole("age", 18, 130, "years; adult social care starts at 18")
    born = reader.day("date_of_birth")
    explicit_pca = reader.boolean("pension_credit_age", None)
    if born is not None and day is not None:
        if born > day:
            reader.problem("date_of_birth", "must be before the assessment date")
            born = None
        elif _age_on(born, day) < 18:
            reader.problem("date_of_birth", "must be at least 18 years before the assessment date")
            born = None
        elif age is not None and _age_on(born, day) != age:
            reader.problem(
                "age",
                f"does not match date_of_birth, which gives {_age_on(born, day)} on "
                f"{_long_date(day)}",
            )
    told_age = payload.get("age") is not None or payload.get("date_of_birth") is not None
    if setting == "home" and not told_age:
        if explicit_pca is None:
            reader.problem(
                "age", "is required for care at home: give age, date_of_birth or pension_credit_age"
            )
        elif explicit_pca is False:
            reader.problem(
                "age",
                "is required under pension credit age, to choose the Minimum Income Guarantee "
                "(18 to 24, or 25 and over)",
            )

    night_care = reader.boolean("night_care_provided", False)
    qualifying = reader.boolean("qualifying_relative_in_home", False)
    couple = reader.boolean("couple", False)
    lone_parent = reader.boolean("lone_parent", False)
    carer_premium = reader.boolean("carer_premium", False)
    blind = reader.boolean("registered_blind", False)
    week = reader.whole("week_of_stay", 1, 10_000, "weeks since the permanent stay began")
    children = reader.whole("dependent_children", 0, 20, "children you are responsible for")

    if problems or day is None or setting is None or capital is None or cost is None:
        return None, problems, day
    return (
        _Input(
            year=str(year),
            day=day,
            setting=setting,
            age=age,
            date_of_birth=born,
            pension_credit_age=explicit_pca,
            capital=capital,
            income=income,
            night_care_provided=bool(night_care),
            dre=dre or Decimal(0),
            housing=housing or Decimal(0),
            cost=cost,
            policy=policy,
            home_value=home_value or Decimal(0),
            home_debt=home_debt or Decimal(0),
            qualifying_relative=bool(qualifying),
            week_of_stay=week,
            couple=bool(couple),
            lone_parent=bool(lone_parent),
            dependent_children=children or 0,
            carer_premium=bool(carer_premium),
            registered_blind=bool(blind),
        ),
        [],
        day,
    )


# --- the calculation ------------------------------------------------------------------------


@dataclass
class _Book:
    """Looks figures up for one day, noting the missing and the derived instead of failing."""

    day: date
    overrides: FigureOverrides | None
    missing: list[str] = field(default_factory=list)
    derived: dict[str, Decimal] = field(default_factory=dict)
    found: dict[str, Decimal] = field(default_factory=dict)

    def get(self, name: str) -> Decimal:
        try:
            value = figure_value(name, self.day, self.overrides)
        except MissingFigureError:
            if name not in self.missing:
                self.missing.append(name)
            return _PLACEHOLDER
        if value.derived:
            self.derived[name] = value.amount
        self.found[name] = value.amount
        return value.amount

    def used(self, names: Sequence[str]) -> list[dict[str, Any]]:
        """Each figure a step relies on, by its label, with the amount used."""
        figures = load_figures()
        return [
            {"label": figures[name].label if name in figures else name, "amount": _out(amount)}
            for name in names
            if (amount := self.found.get(name)) is not None
        ]


def _missing_message(year: str, names: Sequence[str]) -> str:
    shown = ", ".join(names[:3])
    if len(names) > 3:
        shown += f" and {len(names) - 3} more"
    return (
        f"financial_year: no charging figures for {year} ({shown}); a council admin must enter them"
    )


Say = Callable[..., None]


def _stepper(steps: list[dict[str, Any]], book: _Book) -> Say:
    """``say(text, amount, uses=(figure names,))`` adds a step; ``figures`` names each figure
    the step relies on by its label, so the working never shows a figure's key."""

    def say(text: str, amount: Decimal | None = None, uses: Sequence[str] = ()) -> None:
        steps.append(
            {
                "text": text,
                "amount": None if amount is None else _out(amount),
                "figures": book.used(uses),
            }
        )

    return say


_RISING_AGE = "as we assume at 66 while the age rises"


def _pension_age(inp: _Input) -> tuple[bool, str]:
    """Whether pension credit age is reached on the assessment day, and how we know."""
    if inp.pension_credit_age is not None:
        return inp.pension_credit_age, "as you told us"
    if inp.date_of_birth is not None:
        reached = pension_credit_age_date(inp.date_of_birth)
        verb = "reached" if reached <= inp.day else "will reach"
        return reached <= inp.day, f"you {verb} it on {_long_date(reached)}"
    age = inp.age if inp.age is not None else 0
    if age >= 67:
        return True, f"at {age} everyone has reached it"
    if age < 66:
        return False, f"at {age} nobody has reached it yet"
    if _add_months(inp.day, -66 * 12) < date(1960, 4, 6):
        return True, "at 66 in this year everyone has reached it"
    return False, _RISING_AGE


def _age(inp: _Input) -> int | None:
    if inp.date_of_birth is not None:
        return _age_on(inp.date_of_birth, inp.day)
    return inp.age


def _rate_label(item: _Income) -> str:
    label = INCOME_LABELS[item.type]
    if item.rate is None:
        return label
    kind = "group" if item.type == "esa" else "rate"
    return f"{label} ({item.rate.replace('_', ' ')} {kind})"


@dataclass
class _IncomeResult:
    counted: Decimal = Decimal(0)
    ignored: Decimal = Decimal(0)
    care_benefit_counts: bool = False
    disability_premium_reasons: list[str] = field(default_factory=list)
    enhanced_premium_reasons: list[str] = field(default_factory=list)


def _income(inp: _Input, book: _Book, say: Say) -> _IncomeResult:
    result = _IncomeResult()
    policy = inp.policy
    night_note_given = False
    for item in inp.income:
        night_note = ""
        label = _rate_label(item)
        amount = item.amount
        ignored = Decimal(0)
        why = ""
        uses: tuple[str, ...] = ()
        if item.type in _ALWAYS_IGNORED:
            ignored, why = amount, _ALWAYS_IGNORED[item.type]
        elif item.type == "savings_credit" and inp.setting == "care_home":
            limit = book.get(SAVINGS_CREDIT_DISREGARD)
            ignored = min(amount, limit)
            why = f"up to {_gbp(limit)} of Savings Credit is ignored for a care home resident"
            uses = (SAVINGS_CREDIT_DISREGARD,)
        elif item.type in _NIGHT_CARE and item.rate == _NIGHT_CARE[item.type][0]:
            top, below = (_RATE_FIGURES[(item.type, rate)] for rate in _NIGHT_CARE[item.type])
            element = max(Decimal(0), book.get(top) - book.get(below))
            applies = not inp.night_care_provided and (
                item.type != "pip_daily_living" or policy.night_care_element_includes_pip
            )
            if applies and policy.disregard_night_care_element:
                uses = (top, below)
                ignored = min(amount, element)
                why = (
                    f"you get no care at night, and your council ignores the night-care part "
                    f"({_gbp(element)}) of the top rate"
                )
            elif applies and not night_note_given:
                night_note_given = True
                night_note = (
                    "You get no care at night. Some councils then ignore the night-care part of "
                    f"the top rate ({_gbp(element)} a week); the law lets them count it all, and "
                    "this estimate does. Ask your council which it does."
                )
        counted = amount - ignored
        if ignored and counted:
            say(
                f"{label}: {_gbp(ignored)} of {_gbp(amount)} a week is ignored ({why}); "
                f"{_gbp(counted)} counts as income.",
                counted,
                uses,
            )
        elif ignored:
            say(f"{label}: {_gbp(amount)} a week is ignored ({why}).", Decimal(0), uses)
        else:
            say(f"{label}: {_gbp(amount)} a week counts as income.", counted)
        if night_note:
            say(night_note, None, (top, below))
        published = _RATE_FIGURES.get((item.type, item.rate or ""))
        if published is not None:
            rate = book.get(published)
            if not book.missing and amount != rate and amount > 0:
                say(
                    f"(The published {label} for {year_label_in_words(inp.year)} is "
                    f"{_gbp(rate)} a week; we used the {_gbp(amount)} you entered.)",
                    None,
                    (published,),
                )
        result.counted += counted
        result.ignored += ignored
        if item.type in _CARE_BENEFITS and amount > 0:
            if counted > 0:
                result.care_benefit_counts = True
            result.disability_premium_reasons.append(INCOME_LABELS[item.type])
            if (item.type, item.rate) in (
                ("pip_daily_living", "enhanced"),
                ("dla_care", "highest"),
            ):
                result.enhanced_premium_reasons.append(label)
        if item.type == "esa" and item.rate == "support" and amount > 0:
            result.disability_premium_reasons.append("ESA in the support group")
    if inp.setting == "care_home" and any(item.type in _CARE_BENEFITS for item in inp.income):
        say(
            "Attendance Allowance, DLA care and PIP daily living usually stop after 28 days in "
            "a care home when the council helps to pay; this estimate counts what you entered."
        )
    return result


def _mig(inp: _Input, book: _Book, income: _IncomeResult, say: Say) -> Decimal:
    reached, how = _pension_age(inp)
    age = _age(inp)
    if reached:
        name = "mig.single_pension_credit_age"
        who = f"who has reached pension credit age ({how})"
    elif inp.lone_parent:
        name = "mig.lone_parent"
        who = f"who is a lone parent and has not reached pension credit age ({how})"
    elif age is not None and age < 25:
        name = "mig.single_18_to_24"
        who = f"aged 18 to 24 ({how})"
    else:
        name = "mig.single_25_to_pension_credit_age"
        who = f"aged 25 or over who has not reached pension credit age ({how})"
    base = book.get(name)
    say(
        "The charge must leave you at least the Minimum Income Guarantee to live on. For a "
        f"single person {who} it starts at {_gbp(base)} a week.",
        base,
        (name,),
    )
    if how == _RISING_AGE:
        say(
            "State Pension age is rising from 66 to 67, so at 66 we cannot tell from your age "
            "alone whether you have reached pension credit age; we assumed you have not. Give "
            "your date of birth for a closer estimate."
        )
    total = base
    if not reached:
        reasons = list(income.disability_premium_reasons)
        if inp.registered_blind:
            reasons.append("being registered blind")
        if reasons:
            premium = book.get("mig.disability_premium_single")
            total += premium
            say(
                f"Add the disability premium, {_gbp(premium)}, because of {reasons[0]}.",
                premium,
                ("mig.disability_premium_single",),
            )
        if income.enhanced_premium_reasons:
            premium = book.get("mig.enhanced_disability_premium_single")
            total += premium
            say(
                f"Add the enhanced disability premium, {_gbp(premium)}, because of "
                f"{income.enhanced_premium_reasons[0]}.",
                premium,
                ("mig.enhanced_disability_premium_single",),
            )
    elif income.disability_premium_reasons or inp.registered_blind:
        say("Disability premiums are added only below pension credit age, so none is added here.")
    if inp.carer_premium:
        premium = book.get("mig.carer_premium")
        total += premium
        say(
            f"Add the carer premium, {_gbp(premium)}, because you get Carer's Allowance.",
            premium,
            ("mig.carer_premium",),
        )
    if inp.dependent_children:
        each = book.get("mig.dependent_child")
        total += each * inp.dependent_children
        say(
            f"Add {_gbp(each)} for each of the {inp.dependent_children} "
            f"child{'ren' if inp.dependent_children > 1 else ''} you are responsible for.",
            each * inp.dependent_children,
            ("mig.dependent_child",),
        )
    say(f"Your Minimum Income Guarantee is {_gbp(total)} a week.", total)
    return total


def _home_capital(inp: _Input, say: Say) -> Decimal:
    """The value of the home counted as capital in a care home (Sch. 2 and reg. 20)."""
    if inp.home_value <= 0:
        return Decimal(0)
    if inp.qualifying_relative:
        say(
            "Your home is not counted, because your partner, a relative aged 60 or over or "
            "incapacitated, or a child under 18 still lives there."
        )
        return Decimal(0)
    if inp.week_of_stay is not None and inp.week_of_stay <= PROPERTY_DISREGARD_WEEKS:
        say(
            f"Your home is not counted in the first {PROPERTY_DISREGARD_WEEKS} weeks of a "
            f"permanent stay (this is week {inp.week_of_stay}). From week "
            f"{PROPERTY_DISREGARD_WEEKS + 1} it counts, unless a partner or a qualifying "
            "relative lives there."
        )
        return Decimal(0)
    if inp.week_of_stay is None:
        say(
            f"We have assumed you are past the first {PROPERTY_DISREGARD_WEEKS} weeks of a "
            "permanent stay; during those weeks your home would not be counted."
        )
    counted = max(Decimal(0), inp.home_value * (1 - SALE_COSTS) - inp.home_debt)
    debt = f", less {_gbp(inp.home_debt)} secured on it" if inp.home_debt else ""
    say(
        f"Your home counts as {_gbp(counted)}: its value of {_gbp(inp.home_value)}, less 10% "
        f"for the costs of selling it{debt}. You need not sell it while you live: ask the "
        "council about a deferred payment agreement.",
        counted,
    )
    return counted


def _calculate(inp: _Input, book: _Book, problems: list[str]) -> dict[str, Any]:
    head: list[dict[str, Any]] = []
    body: list[dict[str, Any]] = []
    say_head, say = _stepper(head, book), _stepper(body, book)
    policy = inp.policy
    at_home = inp.setting == "home"
    say_head(
        f"This is an estimate for {year_label_in_words(inp.year)}, using the figures in force on "
        f"{_long_date(inp.day)}. Only the council's financial assessment decides what you pay."
    )
    if inp.couple:
        say_head(
            "This estimate is for one person on their own. If you have a partner, the council "
            "looks at your own income and your share of anything you own together; that is not "
            "estimated here."
        )

    # Capital.
    upper, lower, divisor = book.get(UPPER), book.get(LOWER), book.get(DIVISOR)
    if at_home:
        for key, statutory, name in (
            ("upper_capital_limit_at_home", upper, "upper"),
            ("lower_capital_limit_at_home", lower, "lower"),
        ):
            chosen = getattr(policy, key)
            if chosen is None or book.missing:
                continue
            if chosen < statutory:
                problems.append(
                    f"policy.{key}: must be at least the statutory {name} limit, {_gbp(statutory)}"
                )
            elif chosen > statutory:
                say_head(
                    f"Your council uses a {name} capital limit of {_gbp(chosen)} for care at "
                    f"home (the law sets {_gbp(statutory)}).",
                    None,
                    (UPPER if name == "upper" else LOWER,),
                )
            if name == "upper":
                upper = max(upper, chosen)
            elif chosen >= upper:
                problems.append(f"policy.{key}: must be below the upper limit, {_gbp(upper)}")
            else:
                lower = max(lower, chosen)
    if not book.missing and (divisor <= 0 or lower < 0 or upper <= lower):
        problems.append(
            f"financial_year: the capital figures for {inp.year} do not fit together (lower "
            f"{_gbp(lower)}, upper {_gbp(upper)}, £1 for every {_gbp(divisor)})"
        )
    capital = inp.capital
    say_head(
        f"Your savings and other capital, not counting your home, are {_gbp(capital)}.", capital
    )
    if at_home:
        if inp.home_value > 0:
            say_head("Your home is not counted, because you will get care in your own home.")
    else:
        home = _home_capital(inp, say_head)
        if home > 0:
            capital += home
            say_head(f"Your capital counted in all is {_gbp(capital)}.", capital)

    # At exactly the limit the council still helps: Care Act 2014 s.18(2), "at or below".
    pays_full_cost = capital > upper
    tariff = Decimal(0)
    if pays_full_cost:
        say_head(
            f"That is more than the upper limit of {_gbp(upper)}, so you pay the full cost of "
            f"your care yourself. When your capital falls to {_gbp(upper)} or less, ask the "
            "council for a financial assessment.",
            None,
            (UPPER,),
        )
    elif capital <= lower:
        say_head(
            f"Capital of {_gbp(lower)} or less is ignored, so no tariff income is counted.",
            tariff,
            (LOWER,),
        )
    else:
        tariff = tariff_income(capital, lower, upper, divisor)
        say_head(
            f"Capital between {_gbp(lower)} and {_gbp(upper)} counts as {_gbp(TARIFF_PER_STEP)} "
            f"a week for every {_gbp(divisor)}, or part of {_gbp(divisor)}, above "
            f"{_gbp(lower)}. Yours is {_gbp(capital - lower)} above, so {_gbp(tariff)} a week "
            "is counted as income (tariff income).",
            tariff,
            (LOWER, UPPER, DIVISOR),
        )

    # Income.
    income = _income(inp, book, say)
    if not inp.income:
        say("You told us of no weekly income.")
    say(
        f"Income that counts: {_gbp(income.counted)} a week"
        + (f" ({_gbp(income.ignored)} ignored)." if income.ignored else "."),
        income.counted,
    )

    # What the person keeps, and what is left.
    if at_home:
        allowance = _mig(inp, book, income, say)
        dre = Decimal(0)
        if inp.dre > 0:
            if income.care_benefit_counts or policy.dre_without_disability_benefits:
                dre = inp.dre
                say(
                    f"Disability-related expenses of {_gbp(dre)} a week are taken off (the "
                    "council will ask what they are).",
                    dre,
                )
            else:
                say(
                    f"The {_gbp(inp.dre)} of disability-related expenses is not taken off: that "
                    "is allowed when Attendance Allowance, DLA care or PIP daily living counts "
                    "as income. Ask the council if you think it should be.",
                    Decimal(0),
                )
        if inp.housing > 0:
            say(
                f"Housing costs of {_gbp(inp.housing)} a week (rent, mortgage, council tax and "
                "service charges, after any help with them) are taken off.",
                inp.housing,
            )
        left = income.counted + tariff - inp.housing - dre - allowance
        say(
            f"Income {_gbp(income.counted)} + tariff income {_gbp(tariff)} − housing costs "
            f"{_gbp(inp.housing)} − disability-related expenses {_gbp(dre)} − Minimum Income "
            f"Guarantee {_gbp(allowance)} leaves {_gbp(left)} a week.",
            left,
        )
    else:
        allowance = book.get(PEA)
        say(
            f"In a care home you keep a Personal Expenses Allowance of {_gbp(allowance)} a "
            "week for your own spending.",
            allowance,
            (PEA,),
        )
        if inp.dre or inp.housing:
            say("Housing costs and disability-related expenses are not taken off in a care home.")
        left = income.counted + tariff - allowance
        say(
            f"Income {_gbp(income.counted)} + tariff income {_gbp(tariff)} − Personal Expenses "
            f"Allowance {_gbp(allowance)} leaves {_gbp(left)} a week.",
            left,
        )

    charge = max(Decimal(0), left)
    if left <= 0:
        say("Nothing is left over, so you pay nothing towards your care from your income.")
    if at_home and charge > 0:
        share = policy.percentage_of_available_income_at_home
        if share < 100:
            charge = charge * share / 100
            say(
                f"Your council charges {share.normalize():f}% of what is left: {_gbp(charge)}.",
                charge,
            )
        cap = policy.maximum_weekly_charge_at_home
        if cap is not None and charge > cap:
            charge = cap
            say(f"Your council's maximum weekly charge is {_gbp(cap)}.", cap)
    if charge > inp.cost:
        charge = inp.cost
        say(
            f"Your care costs {_gbp(inp.cost)} a week, and you never pay more than it costs.",
            inp.cost,
        )
    if at_home and 0 < charge < policy.minimum_weekly_charge_at_home:
        say(
            f"Your council does not collect charges under "
            f"{_gbp(policy.minimum_weekly_charge_at_home)} a week."
        )
        charge = Decimal(0)

    cost = _pence(inp.cost)
    contribution = cost if pays_full_cost else min(cost, _pence(charge))
    council = cost - contribution
    steps = head if pays_full_cost else head + body
    say_end = _stepper(steps, book)
    if pays_full_cost:
        say_end(f"You pay the full {_gbp(cost)} a week; the council pays nothing.", contribution)
    else:
        say_end(
            f"Estimated charge: {_gbp(contribution)} a week. The council would pay the other "
            f"{_gbp(council)}.",
            contribution,
        )
    if book.derived:
        labels = load_figures()
        listed = "; ".join(
            f"{labels[name].label if name in labels else name}, {_gbp(amount)}"
            for name, amount in book.derived.items()
        )
        say_end(
            f"Some of the {year_label_in_words(inp.year)} figures used are worked out from the "
            "usual yearly rise and not yet checked against the government's circular "
            f"({listed}), so the estimate may change slightly."
        )
    return {
        "financial_year": inp.year,
        "assessment_date": inp.day.isoformat(),
        "setting": inp.setting,
        "weekly_cost_of_care": _out(cost),
        "weekly_contribution": _out(contribution),
        "council_pays": _out(council),
        "pays_full_cost": pays_full_cost,
        "capital_counted": _out(capital),
        "tariff_income": _out(tariff),
        "income_counted": _out(income.counted),
        "income_ignored": _out(income.ignored),
        "allowance": _out(allowance),
        "steps": steps,
        "figures": figures_source(inp.day, book.overrides),
        "derived_figures": sorted(book.derived),
    }


_CORE_FIGURES = (UPPER, LOWER, DIVISOR)


def estimate(
    payload: Mapping[str, Any] | Any, overrides: FigureOverrides | None = None
) -> dict[str, Any]:
    """Estimate a weekly charge, with every step explained; ChargingInputError lists problems.

    ``overrides`` carries figures a council admin has entered (for years not shipped, or to
    correct a shipped amount): ``{dotted_name: [(from_date, amount, cite), ...]}``.
    """
    override_problems = check_overrides(overrides)
    inp, problems, day = _read(payload)
    problems += override_problems
    if override_problems:
        raise ChargingInputError(problems)
    if inp is None:
        if day is not None:
            book = _Book(day, overrides)
            for name in _CORE_FIGURES:
                book.get(name)
            if book.missing and isinstance(payload, Mapping):
                year = str(payload.get("financial_year", "")).strip()
                problems.append(_missing_message(year, book.missing))
        raise ChargingInputError(problems)
    book = _Book(inp.day, overrides)
    result = _calculate(inp, book, problems)
    if book.missing:
        problems.insert(0, _missing_message(inp.year, book.missing))
    if problems:
        raise ChargingInputError(problems)
    return result
