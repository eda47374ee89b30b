"""How the team report is written out (JSON for the endpoint, CSV and XLSX for the
endpoint, the CLI and the desktop's export): missing values are missing (null, an empty
cell), never the text "NaT"; no decisions means no acceptance rate; rates read as
percentages in XLSX; an XLSX says what it covers."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from fieldrep.reports.export import about, as_json, file_stem, frame_to_bytes, to_bytes
from fieldrep.reports.team import TeamFilter, team_report
from tests.reports import team_fixture as fx
from tests.reports.test_known_answers import fixture_data

# Tier A only: the one silent priority HCP (H2) was never contacted, so every
# `last_contact` of the table is missing.
ONLY_NEVER = TeamFilter(fx.START, fx.END, tier="A")
# 31 December: nobody accepted or dismissed anything.
NO_DECISIONS = TeamFilter(date(2026, 12, 31), date(2026, 12, 31))


def _csv_table(text: str, name: str) -> list[dict[str, str]]:
    block = text.split(f"# {name}\n", 1)[1].split("\n\n", 1)[0]
    return list(csv.DictReader(io.StringIO(block)))


def test_never_contacted_is_null_in_json_and_empty_in_csv_and_xlsx() -> None:
    report = team_report(fixture_data(), ONLY_NEVER)
    [silent] = as_json(report)["silent"]
    assert (silent["hcp_id"], silent["last_contact"], silent["days_since"]) == ("H2", None, None)
    assert silent["last_contact_by"] is None
    [row] = _csv_table(to_bytes(report, "csv").decode(), "silent")
    assert (row["last_contact"], row["last_contact_by"], row["days_since"]) == ("", "", "")
    sheet = load_workbook(io.BytesIO(to_bytes(report, "xlsx")))["silent"]
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["last_contact"] is None and values["days_since"] is None
    assert values["last_contact_by"] is None
    desktop = load_workbook(io.BytesIO(frame_to_bytes(report.silent, "xlsx", "silent"))).active
    assert "NaT" not in [c.value for row in desktop.iter_rows() for c in row]
    assert "NaT" not in frame_to_bytes(report.silent, "csv").decode()


def test_whole_numbers_stay_whole_in_csv_beside_a_blank() -> None:
    report = team_report(fixture_data(), TeamFilter(fx.START, fx.END))
    rows = _csv_table(to_bytes(report, "csv").decode(), "silent")
    assert {r["hcp_id"]: r["days_since"] for r in rows} == {"H2": "", "H8": "76"}


def test_no_decisions_means_no_acceptance_rate() -> None:
    report = team_report(fixture_data(), NO_DECISIONS)
    assert report.totals.acceptance_rate is None
    as_dict = as_json(report)
    assert as_dict["totals"]["acceptance_rate"] is None
    assert [r["acceptance_rate"] for r in as_dict["summary"]] == [None, None]
    rows = _csv_table(to_bytes(report, "csv").decode(), "summary")
    assert [r["acceptance_rate"] for r in rows] == ["", ""]
    decided = team_report(fixture_data(), TeamFilter(fx.START, fx.END))
    assert [r["acceptance_rate"] for r in as_json(decided)["summary"]] == [0.25, 2 / 3]


def test_rates_are_percentages_in_xlsx_and_rounded_in_csv() -> None:
    report = team_report(fixture_data(), TeamFilter(fx.START, fx.END))
    rows = _csv_table(to_bytes(report, "csv").decode(), "summary")
    assert rows[1]["acceptance_rate"] == "0.6667" and rows[0]["time_gone"] == "0.6087"
    book = load_workbook(io.BytesIO(frame_to_bytes(report.summary, "xlsx", "reps")))
    sheet = book["reps"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=3, column=header.index("acceptance_rate") + 1)
    assert cell.value == 2 / 3 and cell.number_format == "0.0%"
    assert sheet.cell(row=2, column=header.index("calls") + 1).number_format == "General"


def test_an_xlsx_says_what_it_covers_and_a_file_name_too() -> None:
    flt = TeamFilter(date(2026, 11, 2), date(2026, 11, 29), reps=(fx.BRANDT,), tier="A")
    report = team_report(fixture_data(), flt)
    rows = about(flt, manager=fx.MANAGER, table="reps")
    book = load_workbook(io.BytesIO(frame_to_bytes(report.summary, "xlsx", "reps", rows)))
    assert book.sheetnames == ["about", "reps"]
    facts = {r[0].value: r[1].value for r in book["about"].iter_rows(min_row=2)}
    assert facts["period"] == "2026-11-02 to 2026-11-29" and facts["as of"] == "2026-11-29"
    assert (facts["manager"], facts["reps"], facts["tier"]) == (fx.MANAGER, fx.BRANDT, "A")
    whole = load_workbook(io.BytesIO(to_bytes(report, "xlsx")))
    assert whole.sheetnames[0] == "about"
    assert file_stem(flt, "reps") == f"team-reps-2026-11-02_2026-11-29-{fx.BRANDT}-tier-A"
