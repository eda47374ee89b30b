"""Value checks shared by the imports: identifiers Excel has mangled, postcodes per country.

Each check returns the value to store (normalised) or raises ValueError with a reason
that starts with the admin's column label.
"""

from __future__ import annotations

import re

# "130.0" (a number column), "1.23E+09" (a long number), "=""0123""" (a forced text).
EXCEL_NUMBER = re.compile(r"^-?\d+\.0+$|^-?\d+(\.\d+)?[eE][+-]?\d+$|^=")

POSTCODES: dict[str, tuple[re.Pattern[str], str]] = {
    "US": (re.compile(r"^(\d{5})(?:-?(\d{4}))?$"), "5 digits, or 9 as 12345-6789"),
    "DE": (re.compile(r"^\d{5}$"), "5 digits"),
    "FR": (re.compile(r"^\d{5}$"), "5 digits"),
    "UK": (
        re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$"),
        "a UK postcode such as SW1A 1AA",
    ),
}
POSTCODES["GB"] = POSTCODES["UK"]


def check_identifier(label: str, value: str) -> str:
    """An id as text; refuses what Excel makes of ids it took for numbers."""
    if EXCEL_NUMBER.match(value):
        raise ValueError(
            f"{label}: '{value}' looks changed by Excel (a number or formula, not the id); "
            "export the column as text"
        )
    return value


def check_postcode(label: str, value: str, country: str | None) -> str:
    """The postcode in its usual spelling for `country`; any text when no country is set."""
    if not value or country is None:
        return value
    pattern, form = POSTCODES[country]
    text = value.strip().upper()
    match = pattern.match(text)
    if match is None:
        digits_only = country in {"US", "DE", "FR"}
        hint = ""
        if digits_only and text.isdigit() and len(text) in {3, 4, 8}:
            hint = " (Excel may have dropped a leading zero: export the column as text)"
        elif digits_only and any(c.isalpha() for c in text):
            hint = " (a letter where a digit belongs, e.g. O for 0?)"
        raise ValueError(f"{label}: '{value}' is not {form}{hint}")
    if country == "US" and match.group(2):
        return f"{match.group(1)}-{match.group(2)}"
    if country in {"UK", "GB"}:
        return f"{match.group(1)} {match.group(2)}"
    return text


def check_country(country: str | None) -> str | None:
    """The country code upper-cased, or ValueError naming the ones with postcode rules."""
    if country is None:
        return None
    code = country.strip().upper()
    if code not in POSTCODES:
        raise ValueError(
            f"no postcode rules for country '{country}'; use one of "
            f"{', '.join(sorted(POSTCODES))} or leave the country out"
        )
    return code
