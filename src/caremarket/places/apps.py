from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PlacesConfig(AppConfig):
    name = "caremarket.places"
    verbose_name = "Places and population"

    def ready(self) -> None:
        post_migrate.connect(_load_councils, sender=self)


def _load_councils(**kwargs: Any) -> None:
    """Every database knows the councils this instance serves (see councils.py)."""
    from django.conf import settings

    from caremarket.places.councils import load_councils

    codes = settings.COUNCILS
    if codes == ():
        return
    load_councils(codes, using=kwargs.get("using", "default"))
