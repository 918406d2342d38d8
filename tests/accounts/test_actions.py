"""Every audit log action has words, and the audit log page shows them instead of codes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from caremarket.accounts.actions import ACTION_WORDS, action_words, detail_words, record_words
from caremarket.accounts.audit import record
from caremarket.accounts.models import AuditEvent, Membership, User
from caremarket.demo import load_councils

SOURCE = Path(__file__).resolve().parents[2] / "src" / "caremarket"


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _calls_in(node: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]


def _argument(call: ast.Call, index: int, name: str) -> ast.expr | None:
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == name), None)


def _strings(node: ast.expr, function: ast.AST | None) -> list[str] | None:
    """The codes an action argument can be, or None when the source does not say."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body, function), _strings(node.orelse, function)
        return None if body is None or orelse is None else body + orelse
    if isinstance(node, ast.Name) and function is not None:
        found: list[str] = []
        for assign in ast.walk(function):
            if isinstance(assign, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in assign.targets
            ):
                values = _strings(assign.value, None)
                if values is None:
                    return None
                found += values
        return found or None
    return None


def _params(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    return [a.arg for a in function.args.args + function.args.kwonlyargs]


def _index(function: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> int:
    """Where a parameter is passed by position (keyword-only ones never are)."""
    positional = [a.arg for a in function.args.args]
    return positional.index(param) if param in positional else 10**6


def _template(node: ast.expr | None, params: list[str]) -> tuple[str, str] | None:
    """(parameter, template) when the argument is one of the function's own parameters, bare
    or inside an f-string (f"sourcing: {action}" is ("action", "sourcing: {}"))."""
    if isinstance(node, ast.Name) and node.id in params:
        return node.id, "{}"
    if isinstance(node, ast.JoinedStr):
        holes = [v for v in node.values if isinstance(v, ast.FormattedValue)]
        if len(holes) == 1 and isinstance(holes[0].value, ast.Name) and holes[0].value.id in params:
            text = "".join(
                "{}" if isinstance(v, ast.FormattedValue) else str(v.value)  # type: ignore[attr-defined]
                for v in node.values
            )
            return holes[0].value.id, text
    return None


def _module(path: Path) -> str:
    parts = ("caremarket", *path.relative_to(SOURCE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _names(module: str, tree: ast.AST) -> dict[str, tuple[str, str]]:
    """What a called name means in a module: its own functions, and the names it imports."""
    names = {f.name: (module, f.name) for f in _functions(tree)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative: from the module's package upwards
                base = ".".join([*module.split(".")[: -node.level], node.module])
            for alias in node.names:
                names[alias.asname or alias.name] = (base, alias.name)
    return names


def action_codes() -> tuple[set[str], list[str]]:
    """Every action code the source can record, and the places it cannot be read from.

    `record(code, …)` records an action; so does any function that passes one of its own
    parameters on as the code, bare or inside an f-string (`quality.register._log(who, code,
    …)`, `sourcing.register._audit(…, "contract saved", …)` recording "sourcing: contract
    saved"), and calls of those are read the same way, to any depth. A called name is the
    function its module defines or imports under that name (two modules' `_audit` differ)."""
    trees = {
        _module(path): (path, ast.parse(path.read_text(), str(path)))
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts
    }
    names = {module: _names(module, tree) for module, (_, tree) in trees.items()}
    # (module, function) → {(index of the parameter, its name, template of the code)}
    sinks: dict[tuple[str, str], set[tuple[int, str, str]]] = {
        ("caremarket.accounts.audit", "record"): {(0, "action", "{}")}
    }
    changed = True
    while changed:  # find the wrappers, then wrappers of wrappers
        changed = False
        for module, (_, tree) in trees.items():
            for function in _functions(tree):
                params = _params(function)
                for call in _calls_in(function):
                    callee = names[module].get(call.func.id)  # type: ignore[attr-defined]
                    for index, name, outer in set(sinks.get(callee, ())):  # type: ignore[arg-type]
                        found = _template(_argument(call, index, name), params)
                        if found is None:
                            continue
                        spec = (_index(function, found[0]), found[0], outer.replace("{}", found[1]))
                        if spec not in sinks.setdefault((module, function.name), set()):
                            sinks[(module, function.name)].add(spec)
                            changed = True
    codes: set[str] = set()
    unread: list[str] = []
    for module, (path, tree) in trees.items():
        for function in _functions(tree):
            params = _params(function)
            for call in _calls_in(function):
                callee = names[module].get(call.func.id)  # type: ignore[attr-defined]
                for index, name, template in sinks.get(callee, ()):  # type: ignore[arg-type]
                    arg = _argument(call, index, name)
                    wrapper = (module, function.name) in sinks
                    if wrapper and _template(arg, params) is not None:
                        continue  # a wrapper passing its own parameter on: read at its calls
                    values = None if arg is None else _strings(arg, function)
                    if values is None:
                        unread.append(f"{path.relative_to(SOURCE)}:{call.lineno}")
                    else:
                        codes.update(template.replace("{}", v) for v in values)
    return codes, unread


def test_every_action_recorded_anywhere_has_words() -> None:
    codes, unread = action_codes()
    # the reader itself works: it finds codes written directly, through register._log,
    # through a wrapper's parameter, from both branches of a choice and from a variable
    assert {
        "signed_in",
        "logged_concern",
        "emailed_cqc_downgrades",
        "import_checked",
        "import_rejected",
        "recorded feedback",
        "changed feedback",
        "sourcing: contract added",  # through two f-string wrappers
        "sourcing: holding removed",
        "api call refused",  # accounts.tokens' own _audit, not sourcing's
    } <= codes
    assert len(codes) > 60
    assert not unread, f"write the action code as a literal string at {unread}"
    missing = sorted(codes - set(ACTION_WORDS))
    assert not missing, f"add words for these audit log actions to accounts/actions.py: {missing}"
    for words in ACTION_WORDS.values():
        assert words[0].isupper() and "_" not in words and not words.endswith(".")


def test_words_for_unknown_codes_and_records() -> None:
    assert action_words("logged_concern") == "Logged a concern"
    assert action_words("some_old_code") == "Some old code"  # older rows never break the page
    assert record_words("quality.Concern", "12") == "Concern 12"
    assert record_words("quality.PlacementStop", "3") == "Placement stop 3"
    assert record_words("gone.Model", "1") == "Model 1"
    assert record_words("", "") == ""


@pytest.mark.django_db
def test_the_audit_log_page_shows_words_not_codes(client: Client) -> None:
    stoke, *_ = load_councils()
    officer = User.objects.create_user("officer", password="a-long-password-1")
    Membership.objects.create(user=officer, local_authority=stoke, role="quality_officer")
    record("logged_concern", user=officer, local_authority=stoke, obj=officer, detail="high risk")
    record("sourcing: offer made", user=officer, local_authority=stoke)
    client.force_login(officer)
    page = client.get(reverse("accounts:audit_log", kwargs={"council": stoke.slug}))
    text = page.content.decode()
    assert "Logged a concern (high risk)" in text and "A provider offered care" in text
    assert "Looked at the audit log" in text and "User " in text
    for code in ("logged_concern", "viewed_audit_log", "sourcing:", "accounts.User"):
        assert code not in text


@pytest.mark.django_db
def test_the_audit_log_names_people_not_usernames(client: Client) -> None:
    """Who did it: the person's name (the rule in `User.display_name`, as on the quality
    pages), the username only where no name is held, and what is kept once an account has
    gone or for an API token."""
    stoke, *_ = load_councils()
    officer = User.objects.create_user("qo-17", first_name="Nia", last_name="Evans")
    Membership.objects.create(user=officer, local_authority=stoke, role="quality_officer")
    nameless = User.objects.create_user("jsmith")
    record("logged_concern", user=officer, local_authority=stoke)
    record("logged_concern", user=nameless, local_authority=stoke)
    AuditEvent.objects.create(username="token abc123", local_authority=stoke, action="x")
    AuditEvent.objects.create(local_authority=stoke, action="y")
    client.force_login(officer)
    page = client.get(reverse("accounts:audit_log", kwargs={"council": stoke.slug}))
    who = [
        re.sub(r"<[^>]+>", "", row.split("</td>")[1]).strip()
        for row in page.content.decode().split('<tr class="govuk-table__row">')[2:]
    ]
    assert who == ["Nia Evans", "system", "token abc123", "jsmith", "Nia Evans"]
    assert "qo-17" not in page.content.decode()
    assert officer.display_name == "Nia Evans" and nameless.display_name == "jsmith"


@pytest.mark.django_db
def test_an_account_number_in_a_detail_reads_as_the_persons_name() -> None:
    """The stored detail keeps only the account number (no names in the log); the page says
    who, by `User.display_name`, when it is read."""
    worker = User.objects.create_user("pr-4", first_name="Mary", last_name="Seacole")
    nameless = User.objects.create_user("jsmith")
    assert detail_words("assigned_referral", f"to user {worker.pk}") == "to Mary Seacole"
    assert detail_words("assigned_referral", f"to user {nameless.pk}") == "to jsmith"
    gone = worker.pk + nameless.pk + 1000
    assert detail_words("assigned_referral", f"to user {gone}") == (
        "to someone whose account has gone"
    )
    assert detail_words("assigned_referral", "to user " + "9" * 18) == (
        "to someone whose account has gone"
    )
    # other details, other actions, and anything not exactly an account number stay as stored
    assert detail_words("assigned_referral", "unassigned") == "unassigned"
    assert detail_words("assigned_referral", f"to user {worker.pk}x") == f"to user {worker.pk}x"
    assert detail_words("assigned_referral", "to user " + "9" * 5000).startswith("to user 999")
    assert detail_words("logged_concern", f"to user {worker.pk}") == f"to user {worker.pk}"
