"""The published MPS as a document: lists, cover, charts, pipeline, sources in words, CSV
matching the page, and a tagged PDF whose text reads in order."""

import csv
import datetime
import io
import itertools
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import TestCase
from pypdf import PdfReader

from caremarket.accounts.models import Membership, User
from caremarket.charts import Series, axis_range, bar_chart, line_chart
from caremarket.imports.models import ImportRun
from caremarket.market.models import CommissioningContract
from caremarket.needs.models import CouncilFigure
from caremarket.places.models import LocalAuthority
from caremarket.planning.models import Scenario
from caremarket.statements import workflow
from caremarket.statements.render import loosen_lists, narrative_html, source_words
from tests.statements.test_workflow import add_population

NARRATIVE = {
    "vision": "The priorities are:\n- more prevention;\n- better *reablement*.\nAnd after.",
}


def _figure(council, run, measure, dimension, category, period, value, unit="count", row=1):
    CouncilFigure.objects.create(
        local_authority=council,
        measure=measure,
        dimension=dimension,
        category=category,
        period=period,
        value=value,
        unit=unit,
        source=f"Stoke-on-Trent Local Account 2020–21, section “{measure}”",
        import_run=run,
        source_row=row,
    )


class TableCells(HTMLParser):
    """Every table on a page by id: its rows as the cell text a person sees."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.cell = {}, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = self.tables.setdefault(dict(attrs).get("id"), [])
        elif tag == "tr" and self.current is not None:
            self.current.append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.current[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def struct_figures(reader):
    """The PDF's structure elements in reading order, as (kind, alt text) pairs."""
    found = []

    def walk(node):
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if node.get("/S"):
            found.append((str(node["/S"]), str(node.get("/Alt", ""))))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


class PublishedDocumentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        council = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
        cls.council = council
        add_population(council)
        run = ImportRun.objects.create(
            format="council-figures",
            dataset="Council figures",
            file_name="stoke-on-trent.csv",
            sha256="0" * 64,
            status=ImportRun.Status.COMPLETE,
        )
        for period, value in (("2019/20", 80e6), ("2020/21", 84e6), ("2021/22", 90e6)):
            _figure(council, run, "expenditure_gbp", "all", "Total", period, value, "gbp", 3)
        for category, value in (("copd", 2.4), ("depression_18plus", 14.7)):
            _figure(council, run, "qof_prevalence_pct", "condition", category, "2023/24", value)
        for period, value in (("2023-05-31", 21000), ("2024-05-31", 23500)):
            _figure(council, run, "home_care_hours_per_week", "all", "Total", period, value)
        for period, value in (("2021/22", 4100), ("2022/23", 4200), ("2023/24", 4350)):
            _figure(council, run, "workforce_filled_posts", "all", "Total", period, value)
        for contract, service, ends, starts in (
            ("Advocacy Service", "advocacy", datetime.date(2021, 3, 31), None),
            ("Carers Hub", "carers_support; short_breaks", None, datetime.date(2031, 4, 1)),
        ):
            CommissioningContract.objects.create(
                local_authority=council,
                contract=contract,
                service=service,
                current_end_date=ends,
                recommissioning_date=starts,
                status="planned",
                source="Stoke-on-Trent MPS 2024-28, section “Commissioning Pipeline”",
                import_run=run,
                source_row=9,
            )
        scenario = Scenario.objects.create(
            local_authority=council,
            name="Baseline",
            years=[2024, 2029, 2034],
            demand_models=[
                {"service": "residential_care_beds", "method": "ratio",
                 "cohort": {"age_from": 75}, "per_1000": 65, "supply": 1000},
                {"service": "extra_care_units", "method": "ratio",
                 "cohort": {"age_from": 75}, "per_1000": 10, "supply": 900},
            ],
        )  # fmt: skip
        writer, reviewer = User.objects.create_user("writer"), User.objects.create_user("rev")
        for user in (writer, reviewer):
            Membership.objects.create(user=user, local_authority=council, role="commissioner")
        edition = workflow.create_statement(
            council, period="2024–2028", slug="mps", user=writer, narrative=NARRATIVE
        )
        edition.scenario = scenario
        edition.save()
        workflow.submit_for_review(edition, writer)
        cls.edition = workflow.publish(edition, reviewer, set())
        cls.edition.refresh_from_db()
        cls.pdf = bytes(cls.edition.pdf)

    def page(self):
        response = self.client.get(self.edition.public_url())
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_lists_typed_under_a_line_render_as_lists(self):
        html = narrative_html(NARRATIVE["vision"])
        self.assertIn('<p class="govuk-body">The priorities are:</p>', html)
        self.assertIn("<li>more prevention;</li>", html)
        self.assertIn("<em>reablement</em>", html)
        # a list already set apart, and a hyphen inside a sentence, are left alone
        self.assertEqual(loosen_lists("A\n\n- b"), "A\n\n- b")
        self.assertEqual(loosen_lists("2024 - 2028 is\nthe period"), "2024 - 2028 is\nthe period")

    def test_sources_on_the_page_are_in_words(self):
        self.assertEqual(
            source_words(["Local Account, section 6 [figures.csv]", "Local Account, section 6",
                          "ONS projections (snpp2022_65plus.csv)",
                          "Supply: MPS, 31 May 2024 [stoke.csv line 35]"]),
            ["Local Account, section 6", "ONS projections", "Supply: MPS, 31 May 2024"],
        )  # fmt: skip
        body = self.page().split('id="sources"')[0]
        self.assertNotIn("stoke-on-trent.csv", body)
        self.assertNotRegex(body, r"line \d")
        appendix = self.page().split('id="sources"')[1]
        self.assertIn("[stoke-on-trent.csv]", appendix)

    def test_the_pipeline_shows_current_contracts_in_words_and_ended_ones_in_the_appendix(self):
        tables = TableCells()
        tables.feed(self.page())
        current = tables.tables["table-commissioning-pipeline"]
        self.assertEqual(current[0], ["Contract", "Services", "Recommissioning from", "Status"])
        self.assertEqual(current[1], ["Carers Hub", "Carers support, short breaks",
                                      "1 April 2031", "Planned"])  # fmt: skip
        ended = tables.tables["table-commissioning-pipeline-ended"]
        self.assertEqual(ended[1][:3], ["Advocacy Service", "Advocacy", "31 March 2021"])
        body, appendix = self.page().split('id="sources"')
        self.assertNotIn("Advocacy Service", body)
        self.assertIn("Advocacy Service", appendix)

    def test_a_csv_holds_the_cells_a_person_sees(self):
        tables = TableCells()
        tables.feed(self.page())
        for table_id in ("expenditure-gbp-all", "commissioning-pipeline", "sufficiency-gaps"):
            response = self.client.get(self._csv_url(table_id))
            rows = list(csv.reader(io.StringIO(response.content.decode())))
            shown = [
                [("" if c == "–" else c) for c in r] for r in tables.tables[f"table-{table_id}"]
            ]
            self.assertEqual(rows[: len(shown)], shown)
        self.assertIn("£84,000,000", str(tables.tables["table-expenditure-gbp-all"]))

    def _csv_url(self, table_id):
        from django.urls import reverse

        return reverse(
            "statements:edition_table_csv",
            kwargs={"council": self.council.slug, "statement": "mps", "number": 1,
                    "table": table_id},
        )  # fmt: skip

    def test_the_cover_names_the_council_title_period_edition_and_date(self):
        text = " ".join(PdfReader(io.BytesIO(self.pdf)).pages[0].extract_text().split())
        for words in ("Stoke-on-Trent", "Adult Social Care Market Position Statement",
                      "2024–2028", "Edition", "Published"):  # fmt: skip
            self.assertIn(words, text)
        self.assertIn(f"{self.edition.published_at:%-d %B %Y}", text)
        self.assertNotIn("2024– 2028", text)
        self.assertIn("Period covered 2024 to 2028", text)

    def test_the_pdf_is_tagged_with_its_title_and_language(self):
        reader = PdfReader(io.BytesIO(self.pdf))
        root = reader.trailer["/Root"]
        self.assertTrue(root["/MarkInfo"]["/Marked"])
        self.assertIn("/StructTreeRoot", root)
        self.assertEqual(root["/Lang"], "en")
        self.assertEqual(
            reader.metadata.title,
            "Stoke-on-Trent – Adult Social Care Market Position Statement 2024–2028",
        )
        if shutil.which("pdfinfo"):  # poppler's own reading, where it is installed
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder, "mps.pdf")
                path.write_bytes(self.pdf)
                info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
            self.assertIn("Tagged:          yes", info.stdout)

    def test_the_text_extracts_in_reading_order(self):
        reader = PdfReader(io.BytesIO(self.pdf))
        text = "\n" + "\n".join(page.extract_text() for page in reader.pages[2:])
        # a published document leaves out sections with neither words nor figures
        self.assertNotIn("No figures have been imported", text)
        self.assertNotIn("Introduction and purpose", text)
        headings = ["Vision and priorities", "Local picture", "Needs and prevalence",
                    "Finances and spend", "Current supply", "Sufficiency and gaps", "Workforce",
                    "Commissioning pipeline", "Sources and technical appendix"]  # fmt: skip
        positions = [text.find(f"\n{h}\n") for h in headings]
        self.assertNotIn(-1, positions, headings)
        self.assertEqual(positions, sorted(positions))
        self.assertRegex(text, r"The priorities are:\s*•?\s*more prevention;\s*•?\s*better")
        self.assertRegex(text, r"Carers Hub Carers support, short\s+breaks\s+1 April 2031")

    def test_every_data_section_with_a_series_or_breakdown_has_a_chart_in_the_pdf(self):
        figures = [alt for kind, alt in struct_figures(PdfReader(io.BytesIO(self.pdf)))
                   if kind == "/Figure"]  # fmt: skip
        for caption in (
            "People aged 65+, 75+ and 85+ in Stoke-on-Trent, 2024 to 2034",  # population
            "Recorded prevalence of health conditions (GP registers) by condition",  # breakdown
            "Expenditure",  # a time series
            "Filled posts in adult social care",
            "Demand, supply and gap by service, 2024 to 2034",
        ):
            self.assertTrue(any(alt.startswith(caption) for alt in figures), (caption, figures))

    def test_the_gap_chart_draws_a_surplus_below_zero_inside_the_plot(self):
        svg = self.page().split('id="chart-sufficiency-gaps"')[1].split("</svg>")[0]
        points = re.findall(r'points="([^"]+)"', svg)
        self.assertEqual(len(points), 2)
        ys = [float(p.split(",")[1]) for line in points for p in line.split()]
        self.assertTrue(all(20 <= y <= 320 - 50 for y in ys), ys)


class ChartTests(TestCase):
    def test_axis_range_holds_negative_values_and_zero(self):
        self.assertEqual(axis_range([10, 95]), (0.0, 100.0, 25.0))
        low, high, step = axis_range([-165, 300])
        self.assertLessEqual(low, -165)
        self.assertGreaterEqual(high, 300)
        self.assertEqual((high - low) / step, 4)
        self.assertEqual(axis_range([-40, -5])[:2], (-50.0, 0.0))

    def test_legend_entries_never_overlap(self):
        names = ["Residential care beds", "Nursing care beds", "Extra care units",
                 "Supported living units", "Shared lives placements"]  # fmt: skip
        svg = line_chart("c", "t", "d", ["2024", "2029"], [Series(n, [1, -2]) for n in names])
        entries = re.findall(r'<line stroke="#[0-9a-f]+" x1="([\d.]+)"[^>]*y1="([\d.]+)"[^>]*'
                             r'stroke-width="3"[^>]*/><text[^>]*>([^<]+)<', svg)  # fmt: skip
        self.assertEqual([e[2] for e in entries], names)
        by_row: dict[str, list[tuple[float, str]]] = {}
        for x, y, name in entries:
            by_row.setdefault(y, []).append((float(x), name))
        self.assertGreater(len(by_row), 1)  # too wide for one row: it wraps, not overlaps
        for row in by_row.values():
            for (x1, name), (x2, _) in itertools.pairwise(row):
                self.assertGreater(x2, x1 + 30 + 6.5 * len(name))
        height = float(re.search(r'viewBox="0 0 \d+ (\d+)"', svg)[1])
        self.assertLess(max(float(y) for y in by_row), height)

    def test_year_labels_never_run_together(self):
        years = [str(y) for y in range(2022, 2048)]
        svg = line_chart("c", "t", "d", years, [Series("a", list(range(26)))])
        xs = [
            float(x)
            for x in re.findall(r'<text [^>]*x="([\d.]+)" y="\d+" text-anchor="middle"', svg)
        ]
        self.assertTrue(all(b - a > 40 for a, b in itertools.pairwise(xs)), xs)

    def test_a_negative_bar_grows_left_of_zero_within_its_panel(self):
        svg = bar_chart("c", "t", "d", ["Extra care", "Beds"], [Series("Gap", [-250, 300])])
        rects = [
            (float(x), float(w))
            for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
        ]
        zero = float(re.search(r'<line stroke="#0b0c0c" x1="([\d.]+)"', svg)[1])
        (neg_x, neg_w), (pos_x, _) = rects
        self.assertAlmostEqual(neg_x + neg_w, zero, places=0)
        self.assertAlmostEqual(pos_x, zero, places=0)
        self.assertGreaterEqual(neg_x, 170)
        self.assertIn(">-250<", svg)


class EditionComparisonTests(TestCase):
    def test_rows_pair_by_service_and_year_and_print_at_display_precision(self):
        from caremarket.statements.views import _diff_tables

        def snapshot(rows):
            columns = [
                {"label": label, "kind": kind}
                for label, kind in (("Service", "text"), ("Year", "text"), ("Demand", "int"),
                                    ("Gap", "int"))
            ]  # fmt: skip
            table = {"id": "gaps", "caption": "Gaps", "columns": columns, "rows": rows}
            return {"blocks": {"sufficiency": {"tables": [table]}}}

        old = snapshot(
            [["Beds", "2026", 1000.0, 283.07676500000025], ["Beds", "2040", 1200.0, 400]]
        )
        new = snapshot([["Beds", "2026", 1000.0, 290.4], ["Beds", "2040", 1200.0, 400]])
        [change] = _diff_tables(old, new)
        self.assertEqual(
            change["cells"],
            [{"row": "Beds, 2026", "column": "Gap", "before": "283", "after": "290"}],
        )


class LogoTests(TestCase):
    def setUp(self):
        self.council = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
        self.admin = User.objects.create_user("admin")
        Membership.objects.create(user=self.admin, local_authority=self.council,
                                  role="council_admin")  # fmt: skip
        self.client.force_login(self.admin)
        self.url = f"/staff/{self.council.slug}/mps/logo/"

    def upload(self, data: bytes, name: str = "logo.png"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(self.url, {"logo": SimpleUploadedFile(name, data)})

    @staticmethod
    def image(fmt: str, size=(120, 60)) -> bytes:
        from PIL import Image

        out = io.BytesIO()
        Image.new("RGB", size, "#1d70b8").save(out, format=fmt)
        return out.getvalue()

    def test_a_council_admin_uploads_a_logo_printed_on_the_cover(self):
        from caremarket.statements.models import CouncilLogo

        self.assertRedirects(self.upload(self.image("JPEG"), "logo.jpg"), self.url)
        logo = CouncilLogo.objects.get(local_authority=self.council)
        self.assertEqual((logo.width, logo.height), (120, 60))
        self.assertEqual(bytes(logo.png)[:8], b"\x89PNG\r\n\x1a\n")  # re-encoded
        self.assertContains(self.client.get(self.url), "data:image/png;base64,")
        edition = workflow.create_statement(self.council, period="2024–2028", slug="mps",
                                            user=None)  # fmt: skip
        from caremarket.statements.render import render_pdf

        cover = PdfReader(io.BytesIO(render_pdf(edition))).pages[0]
        self.assertEqual(len(cover.images), 1)
        self.client.post(self.url, {"remove": "1"})
        self.assertFalse(CouncilLogo.objects.exists())

    def test_wrong_huge_and_missing_files_get_a_message_and_nothing_is_kept(self):
        from caremarket.statements.models import CouncilLogo

        for data, message in (
            (b"not an image at all", "The file is not a PNG or JPEG image"),
            (self.image("GIF"), "The logo must be a PNG or JPEG image"),
            (self.image("PNG", (2500, 10)), "2,000 pixels wide and high or smaller"),
            (b"\x89PNG" + b"0" * (600 * 1024), "512 KB or smaller"),
        ):
            with self.subTest(message=message):
                response = self.upload(data)
                self.assertContains(response, "There is a problem")
                self.assertContains(response, message)
        self.assertContains(self.client.post(self.url, {}), "Choose a logo file to upload")
        self.assertFalse(CouncilLogo.objects.exists())

    def test_only_those_who_may_set_the_logo_are_offered_its_page(self):
        """The statements lists offer the logo page to council admins; a commissioner (who
        drafts statements but may not change the council's logo) is told who sets it instead
        of following a link to a refusal."""
        commissioner = User.objects.create_user("commissioner")
        Membership.objects.create(user=commissioner, local_authority=self.council,
                                  role="commissioner")  # fmt: skip
        for path in ("mps", "local-accounts"):
            with self.subTest(path=path):
                page = self.client.get(f"/staff/{self.council.slug}/{path}/")
                self.assertContains(page, f'href="{self.url}"')
        self.client.force_login(commissioner)
        for path in ("mps", "local-accounts"):
            with self.subTest(path=path, role="commissioner"):
                page = self.client.get(f"/staff/{self.council.slug}/{path}/")
                self.assertNotContains(page, self.url)
                self.assertContains(page, "is set by a council admin")
        self.assertEqual(self.client.get(self.url).status_code, 403)


@pytest.mark.sqlite_only  # renders a template: nothing of the database's
def test_the_web_page_folds_the_checks_findings_and_the_pdf_prints_them() -> None:
    """The Local Account's findings made its page thousands of pixels longer on a phone: the
    web page folds them (with their count) under the sources; the PDF keeps them open."""

    from types import SimpleNamespace

    from django.template.loader import render_to_string

    context = {
        "sections": [{"key": "sources", "title": "Sources", "tables": [], "is_sources": True}],
        "statement": SimpleNamespace(document=SimpleNamespace(name="Local Account")),
        "sources": ["ONS population projections"],
        "built_on": datetime.datetime(2026, 12, 2),
        "appendix_tables": [],
        "explained_findings": [{"message": "A", "explained_on": "1 May 2026", "explanation": "B"}],
        "acknowledged_findings": [{"message": "C"}, {"message": "D"}],
        "findings_count": 3,
    }
    web = render_to_string("statements/_document_body.html", {**context, "fold_findings": True})
    folded = web.split("<details", 1)[1].split("</details>", 1)[0]
    assert "The checks' findings on these figures (3)" in folded
    assert "Findings the council has explained" in folded and "<li>C</li>" in folded
    assert "ONS population projections" in web.split("<details", 1)[0]  # the sources stay open
    pdf = render_to_string("statements/_document_body.html", context)
    assert "<details" not in pdf and "<li>D</li>" in pdf
