from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """Residents' self-assessments (needs, carers, finance) and referrals to the council."""

    name = "caremarket.assessments"
    label = "assessments"
    verbose_name = "Self-assessments and referrals"
