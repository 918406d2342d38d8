"""Small Client Level Data files for the outcomes tests (invented people, valid NHS numbers)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from caremarket.outcomes.cld_import import LINKED, REQUIRED
from caremarket.outcomes.pseudonym import nhs_number_from

COLUMNS = [*REQUIRED, *LINKED, "Postcode", "Ethnicity"]
STOKE = "E06000021"


def nhs_number(prefix: int) -> str:
    """A 10-digit NHS number with a valid modulus 11 check digit, from a 9-digit prefix."""
    return nhs_number_from(prefix)


def cld_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        LA_Code=STOKE,
        Reporting_Period_Start_Date="2024-04-01",
        Reporting_Period_End_Date="2025-06-30",
        Client_Type="Service user",
        Gender="Female",
        Date_of_Birth="1950-06-14",
        Accommodation_Status="Owner occupier or shared ownership scheme",
        Postcode="ST4 1AA",
        Ethnicity="White: English, Welsh, Scottish, Northern Irish or British",
    )
    row.update(values)
    return row


def cld_text(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_cld(tmp_path: Path, rows: list[dict[str, str]], name: str = "cld.csv") -> Path:
    path = tmp_path / name
    path.write_text(cld_text(rows), encoding="utf-8")
    return path


def sample_rows() -> list[dict[str, str]]:
    """Four people in 2024/25 (hand-worked in test_ascof_command):

    - A, 80: reablement 1 May to 1 June 2024 ending as planned (2A numerator and denominator),
      living in her own home;
    - B, 70: residential care from 1 June 2024 (2B/2C: one admission aged 65 and over);
    - C, 40: community support by direct payment, open at the year end (3D 1a and 2a; 2E);
    - D, a carer with a direct payment in the year, caring for C (3D 1b and 2b).
    Anchor requests make the derived reporting period run from April 2024 to June 2025.
    """
    a, b, c, d = (nhs_number(n) for n in (943476591, 401023456, 450557710, 485777345))
    return [
        cld_row(
            NHS_Number=a,
            LA_Person_Unique_Identifier="LA-0001",
            Event_Type="Request",
            Event_Start_Date="2024-04-02",
            Event_End_Date="2024-04-10",
            Event_Outcome="Progress to reablement/ST-Max",
            Date_of_Birth="1944-02-03",
        ),
        cld_row(
            NHS_Number=a,
            LA_Person_Unique_Identifier="LA-0001",
            Event_Type="Service",
            Service_Type="Short term support: ST-Max",
            Event_Start_Date="2024-05-01",
            Event_End_Date="2024-06-01",
            Event_Outcome="NFA: Support ended as planned",
            Date_of_Birth="1944-02-03",
        ),
        cld_row(
            NHS_Number=b,
            LA_Person_Unique_Identifier="LA-0002",
            Event_Type="Service",
            Service_Type="Long term support: Residential care",
            Service_Component="Residential care",
            Event_Start_Date="2024-06-01",
            Date_of_Birth="1954-01-20",
            Accommodation_Status="Registered care home",
        ),
        cld_row(
            NHS_Number=c,
            LA_Person_Unique_Identifier="LA-0003",
            Event_Type="Service",
            Service_Type="Long term support: Community",
            Delivery_Mechanism="Direct payment",
            Event_Start_Date="2024-01-10",
            Date_of_Birth="1984-09-09",
            Gender="Male",
        ),
        cld_row(
            NHS_Number=d,
            LA_Person_Unique_Identifier="LA-0004",
            Event_Type="Service",
            Client_Type="Unpaid carer",
            Service_Type="Unpaid carer support: Direct to unpaid carer",
            Delivery_Mechanism="Direct payment",
            Service_Component="Carer payment",
            Event_Start_Date="2024-07-01",
            Event_End_Date="2024-07-01",
            Date_of_Birth="1960-03-03",
            Adult_1_Linked_Person_ID="LA-0003",
        ),
        cld_row(
            NHS_Number=d,
            LA_Person_Unique_Identifier="LA-0004",
            Event_Type="Request",
            Client_Type="Unpaid carer",
            Event_Start_Date="2025-06-01",
            Event_End_Date="2025-06-20",
            Event_Outcome="NFA: Other",
            Date_of_Birth="1960-03-03",
        ),
    ]
