from tests.imports.conftest import councils

__all__ = ["councils"]
