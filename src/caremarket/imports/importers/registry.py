"""The import formats by their command-line name."""

from __future__ import annotations

from caremarket.imports.framework import Importer
from caremarket.imports.importers.council_records import PipelineImporter, SchemesImporter
from caremarket.imports.importers.figures import FiguresImporter
from caremarket.imports.importers.ons_snpp import OnsSnppImporter

IMPORTERS: dict[str, type[Importer]] = {
    importer.format: importer
    for importer in (
        OnsSnppImporter,
        FiguresImporter,
        PipelineImporter,
        SchemesImporter,
    )
}
