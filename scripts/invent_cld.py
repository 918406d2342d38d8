"""Write the demo's invented Client Level Data file for Stoke-on-Trent (deterministic).

    python scripts/invent_cld.py > examples/outcomes/stoke-on-trent-cld-INVENTED.csv

Every person and event is invented. NHS numbers are from the 999 range, which the NHS never
issues (used for testing), with valid check digits; local ids start INVENTED-. The file has the
Release 2 column names and two stated submissions (2023/24 and April 2024 to June 2025), and a
few deliberate faults (an unmapped service type, events ending before they start, rows with no
person id) so the ASCOF page has problems to report.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta

from caremarket.outcomes.pseudonym import nhs_number_from

COLUMNS = [
    "LA_Code", "Reporting_Period_Start_Date", "Reporting_Period_End_Date", "NHS_Number",
    "LA_Person_Unique_Identifier", "Gender", "Date_of_Birth", "Date_of_Death", "Client_Type",
    "Primary_Support_Reason", "Accommodation_Status", "Event_Type", "Event_Start_Date",
    "Event_End_Date", "Event_Outcome", "Request_Route_of_Access", "Assessment_Type",
    "Service_Type", "Service_Component", "Delivery_Mechanism", "Adult_1_Linked_Person_ID",
    "Adult_2_Linked_Person_ID", "Adult_3_Linked_Person_ID",
]  # fmt: skip
FIRST = (date(2023, 4, 1), date(2024, 3, 31))
SECOND = (date(2024, 4, 1), date(2025, 6, 30))
PSR = [
    "Physical Support: Personal care support",
    "Physical Support: Access and mobility only",
    "Learning Disability Support",
    "Mental Health Support",
    "Support with Memory and Cognition",
]
HOMES = [
    "Owner occupier or shared ownership scheme",
    "Tenant: Local authority or other social housing provider",
    "Tenant: Private landlord",
    "Settled mainstream housing with family or friends",
    "Supported accommodation, supported lodgings or supported group home",
    "Unknown",
    "",
]


def nhs_number(n: int) -> str:
    """From the 999 range, which the NHS never issues."""
    return nhs_number_from(999000000 + n * 7)


def main() -> None:
    rnd = random.Random(17)
    rows: list[dict[str, str]] = []
    end_of_data = SECOND[1]

    def day(low: date, high: date) -> date:
        return low + timedelta(days=rnd.randrange((high - low).days + 1))

    def add(person: dict[str, str], start: date, end: date | None, **values: str) -> None:
        """One event, in each submission it belongs to: a service still open at the end of
        2023/24 is sent again in the second submission, as a council's extract would."""
        periods = []
        if start <= FIRST[1] and (
            values.get("Event_Type") == "Service" or (end or start) <= FIRST[1]
        ):
            periods.append(FIRST)
        if (end is None or end > FIRST[1]) and (
            values.get("Event_Type") == "Service" or not periods
        ):
            periods.append(SECOND)
        for period in periods:
            row = dict.fromkeys(COLUMNS, "")
            row.update(person)
            row.update(
                LA_Code="E06000021",
                Reporting_Period_Start_Date=str(period[0]),
                Reporting_Period_End_Date=str(period[1]),
                Event_Start_Date=str(start),
                Event_End_Date=str(end) if end else "",
            )
            row.update(values)
            rows.append(row)

    n_next = 0
    for i in range(420):
        born = date(rnd.randrange(1928, 2004), rnd.randrange(1, 13), rnd.randrange(1, 28))
        person = {
            "NHS_Number": nhs_number(n_next),
            "LA_Person_Unique_Identifier": f"INVENTED-{i:05d}",
            "Gender": rnd.choice(["Female", "Male", "Female"]),
            "Date_of_Birth": str(born),
            "Client_Type": "Service user",
            "Primary_Support_Reason": rnd.choice(PSR),
            "Accommodation_Status": rnd.choice(HOMES),
        }
        n_next += 1
        asked = day(date(2023, 4, 1), date(2025, 5, 20))
        died = None
        if rnd.random() < 0.05:
            died = asked + timedelta(days=rnd.randrange(20, 300))
            if died < end_of_data:
                person["Date_of_Death"] = str(died)
        path = rnd.random()
        if path < 0.3:
            add(
                person,
                asked,
                asked + timedelta(days=rnd.randrange(0, 5)),
                Event_Type="Request",
                Request_Route_of_Access="Community / other route",
                Event_Outcome="NFA: Information and advice or signposting",
            )
            continue
        if path < 0.6:  # reablement
            decided = asked + timedelta(days=rnd.randrange(0, 5))
            add(
                person,
                asked,
                decided,
                Event_Type="Request",
                Request_Route_of_Access="Discharge from hospital",
                Event_Outcome="Progress to reablement/ST-Max",
            )
            start = decided + timedelta(days=rnd.randrange(1, 7))
            end = start + timedelta(days=rnd.randrange(10, 42))
            outcome = rnd.choices(
                [
                    "NFA: Support ended as planned",
                    "Progress to support planning or services",
                    "Admitted to hospital",
                    "Continuation of support or services",
                    "NFA: Information and advice or signposting",
                ],
                [50, 20, 8, 7, 15],
            )[0]
            if end > end_of_data:
                end = end_of_data - timedelta(days=2)
            add(
                person,
                start,
                end,
                Event_Type="Service",
                Service_Type="Short term support: ST-Max",
                Service_Component="Reablement",
                Delivery_Mechanism="CASSR commissioned support",
                Event_Outcome=outcome,
            )
            if outcome == "Progress to support planning or services" and end < date(2025, 6, 1):
                add(
                    person,
                    end + timedelta(days=2),
                    None,
                    Event_Type="Service",
                    Service_Type="Long term support: Community",
                    Service_Component="Home support or domiciliary care",
                    Delivery_Mechanism="CASSR commissioned support",
                )
            continue
        # assessment, then long-term support with a review
        assessed = asked + timedelta(days=rnd.randrange(5, 30))
        add(
            person,
            asked,
            asked + timedelta(days=2),
            Event_Type="Request",
            Request_Route_of_Access="Community / other route",
            Event_Outcome="Progress to assessment, review or reassessment",
        )
        if assessed >= end_of_data:
            continue
        add(
            person,
            asked + timedelta(days=3),
            assessed,
            Event_Type="Assessment",
            Assessment_Type="Long term support assessment",
            Event_Outcome="Progress to support planning or services",
        )
        setting = rnd.choices(["community", "residential", "nursing"], [60, 25, 15])[0]
        start = assessed + timedelta(days=rnd.randrange(1, 14))
        if start >= end_of_data:
            continue
        if setting == "community":
            mechanism = rnd.choices(
                [
                    "Direct payment",
                    "CASSR managed personal budget",
                    "CASSR commissioned support",
                    "",
                ],
                [25, 15, 50, 10],
            )[0]
            add(
                person,
                start,
                None,
                Event_Type="Service",
                Service_Type="Long term support: Community",
                Service_Component="Direct payment"
                if mechanism == "Direct payment" and rnd.random() < 0.5
                else "Home support or domiciliary care",
                Delivery_Mechanism=mechanism,
            )
        else:
            kind = "Residential care" if setting == "residential" else "Nursing care"
            person = {
                **person,
                "Accommodation_Status": rnd.choice(
                    ["Registered care home", "Registered nursing home", "Unknown"]
                ),
            }
            add(
                person,
                start,
                None,
                Event_Type="Service",
                Service_Type=f"Long term support: {kind}",
                Service_Component=f"Long term {kind.lower()}",
                Delivery_Mechanism="CASSR commissioned support",
            )
        review = start + timedelta(days=rnd.randrange(60, 365))
        if review < end_of_data:
            add(
                person,
                review,
                review + timedelta(days=1),
                Event_Type="Review",
                Event_Outcome="Continuation of support or services",
            )

    clients = [r for r in rows if r["Service_Type"] == "Long term support: Community"]
    for j in range(70):  # unpaid carers of some of them
        cared_for = rnd.choice(clients)
        carer = {
            "NHS_Number": nhs_number(n_next),
            "LA_Person_Unique_Identifier": f"INVENTED-C{j:04d}",
            "Gender": rnd.choice(["Female", "Male"]),
            "Date_of_Birth": str(date(rnd.randrange(1945, 2000), rnd.randrange(1, 13), 15)),
            "Client_Type": "Unpaid carer",
            "Primary_Support_Reason": "",
            "Accommodation_Status": "",
            "Adult_1_Linked_Person_ID": cared_for["LA_Person_Unique_Identifier"],
        }
        n_next += 1
        when = day(date(2023, 5, 1), date(2025, 5, 1))
        add(
            carer,
            when,
            when + timedelta(days=7),
            Event_Type="Assessment",
            Assessment_Type="Unpaid carer assessment",
            Event_Outcome="Progress to support planning or services",
        )
        mechanism = rnd.choices(
            ["Direct payment", "CASSR managed personal budget", "CASSR commissioned support"],
            [50, 10, 40],
        )[0]
        add(
            carer,
            when + timedelta(days=10),
            when + timedelta(days=10),
            Event_Type="Service",
            Service_Type="Unpaid carer support: Direct to unpaid carer",
            Service_Component="Carer payment" if mechanism == "Direct payment" else "Carer respite",
            Delivery_Mechanism=mechanism,
        )

    # Deliberate faults, for the page to report.
    faulty = dict(rows[5])
    faulty["Service_Type"] = "Home care"
    faulty["Event_Type"] = "Service"
    rows.append(faulty)
    backwards = dict(rows[40])
    backwards["Event_Start_Date"], backwards["Event_End_Date"] = "2024-09-01", "2024-08-01"
    backwards["Event_Type"] = "Service"
    backwards["Service_Type"] = "Long term support: Community"
    rows.append(backwards)
    anonymous = dict(rows[60])
    anonymous["NHS_Number"] = anonymous["LA_Person_Unique_Identifier"] = ""
    rows.append(anonymous)

    writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


if __name__ == "__main__":
    main()
