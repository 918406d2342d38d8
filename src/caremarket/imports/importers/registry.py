"""The import formats by their command-line name."""

from __future__ import annotations

from caremarket.imports.framework import Importer
from caremarket.imports.importers.areas import LocalitiesImporter, WardsImporter
from caremarket.imports.importers.capacity_tracker import CapacityTrackerImporter
from caremarket.imports.importers.codepoint import CodePointOpenImporter
from caremarket.imports.importers.council_records import PipelineImporter, SchemesImporter
from caremarket.imports.importers.cqc_directory import CqcDirectoryImporter
from caremarket.imports.importers.cqc_hsca import CqcHscaImporter
from caremarket.imports.importers.figures import FiguresImporter
from caremarket.imports.importers.ons_snpp import OnsSnppImporter
from caremarket.imports.importers.onspd import OnspdImporter
from caremarket.imports.importers.oruk import OrukImporter
from caremarket.imports.importers.prevalence import PrevalenceImporter
from caremarket.outcomes.cld_import import CldImporter
from caremarket.outcomes.safeguarding_import import SafeguardingImporter

IMPORTERS: dict[str, type[Importer]] = {
    importer.format: importer
    for importer in (
        OnsSnppImporter,
        CqcDirectoryImporter,
        CqcHscaImporter,
        CapacityTrackerImporter,
        OnspdImporter,
        CodePointOpenImporter,
        WardsImporter,
        LocalitiesImporter,
        PrevalenceImporter,
        FiguresImporter,
        PipelineImporter,
        SchemesImporter,
        OrukImporter,
        CldImporter,
        SafeguardingImporter,
    )
}
