from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DirectoryConfig(AppConfig):
    name = "caremarket.directory"
    verbose_name = "Directory of care and community support"

    def ready(self) -> None:
        from caremarket.directory.search import connect_receivers

        post_migrate.connect(_sync_taxonomy, sender=self)
        post_migrate.connect(_index_listings, sender=self)
        connect_receivers()  # saving a listing re-indexes it for search


def _sync_taxonomy(**kwargs: Any) -> None:
    """Every database carries the needs taxonomy the code defines (see taxonomy.py)."""
    from caremarket.directory.taxonomy import sync_taxonomy

    sync_taxonomy(using=kwargs.get("using", "default"))


def _index_listings(**kwargs: Any) -> None:
    """Listings that existed before the search index are indexed once (see search.py)."""
    from caremarket.directory.search import ensure_index

    ensure_index(using=kwargs.get("using", "default"))
