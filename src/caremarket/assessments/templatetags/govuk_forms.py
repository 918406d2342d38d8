"""Render Django form fields as GOV.UK Frontend components, without inline style or script.

Radios and checkboxes are written out item by item so each item can carry a hint, a divider
("or") and an exclusive "None of these"; ids follow Django's (`id_<name>_<n>`), so the error
summary's links land on the first item.
"""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()


@register.filter
def widget_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    # CheckboxSelectMultiple is a subclass of RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.simple_tag
def options(field: forms.BoundField) -> list[dict[str, Any]]:
    """One dict per choice: value, label, hint, id, checked, divider before, exclusive."""
    value = field.value()
    if isinstance(value, list | tuple):
        chosen = {str(v) for v in value}
    else:
        chosen = {str(value)} if value not in (None, "") else set()
    hints: dict[str, str] = getattr(field.field, "hints", {})
    exclusive: str = getattr(field.field, "exclusive", "")
    divider_before: str = getattr(field.field, "divider_before", "")
    items = []
    for index, (choice_value, label) in enumerate(field.field.choices):
        if choice_value == "":
            continue
        v = str(choice_value)
        items.append(
            {
                "value": v,
                "label": label,
                "hint": hints.get(v, ""),
                "id": f"{field.auto_id}_{index}",
                "checked": v in chosen,
                "divider": v in (exclusive, divider_before),
                "exclusive": v == exclusive,
            }
        )
    return items


@register.filter
def describedby(field: forms.BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


FIELD_LABELS = {
    "who": "Who needs help",
    "name": "Name",
    "asker": "Asked by",
    "postcode": "Postcode",
    "phone": "Phone",
    "email": "Email",
    "needs": "Needs",
    "risks": "Risks",
    "anything_else": "Anything else",
    "indication": "Self-assessment indication",
    "consent_text": "Agreed to",
    "referrer_name": "Referrer",
    "referrer_role": "Referrer's job title",
    "organisation_type": "Organisation type",
    "organisation": "Organisation",
    "referrer_phone": "Referrer's phone",
    "referrer_email": "Referrer's email",
    "date_of_birth": "Date of birth",
    "address": "Address",
}


@register.filter
def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key.replace("_", " ").capitalize())


@register.filter
def error_anchor(field: forms.BoundField) -> str:
    """The id the error summary links to: the first radio or checkbox of a group."""
    if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


VALUE_LABELS = {
    "who": {
        "self": "The person asking",
        "someone": "Someone else, with their agreement",
        "carer": "A carer asking for a carer's assessment",
    },
    "organisation_type": {
        "gp": "GP practice or primary care",
        "hospital": "Hospital or community health",
        "housing": "Housing",
        "voluntary": "Voluntary or community sector",
        "other": "Other",
    },
}


@register.simple_tag
def detail_value(key: str, value: Any) -> Any:
    """A referral detail in words: coded answers by their label, others as given."""
    return VALUE_LABELS.get(key, {}).get(value, value) if isinstance(value, str) else value


@register.filter
def hours(amount: Any) -> str:
    """Hours as people write them: 10.5, 7 and 3.25, never 10.50 or 7.00."""
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(amount)
    return f"{value:f}".rstrip("0").rstrip(".")  # always two places here, so "." is there


@register.filter
def pounds(amount: Any) -> str:
    """An amount of money as people write it: £1,234.50, and −£2.35 below zero."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return ""
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"
