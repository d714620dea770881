"""The page list of the front end (no Streamlit import): the app's navigation, the page-time
benchmark and the tests read it here."""

from __future__ import annotations

from pathlib import Path

# Not "pages/": Streamlit treats a "pages/" folder next to the entry script as a v1 multipage app
# until the first st.navigation call in the process, so a deep link on a fresh server would run
# the page script alone, without this shell (language switch, missing-data message).
VIEWS_DIR = Path(__file__).resolve().parent / "views"

# (file, url path, title key, icon); the first one is the default page.
PAGES = [
    ("overview.py", "overview", "page_overview", ":material/dashboard:"),
    ("investment.py", "investment", "page_investment", ":material/payments:"),
    ("scenarios.py", "scenarios", "page_scenarios", ":material/cloud:"),
    ("modes.py", "modes", "page_modes", ":material/hub:"),
    ("enterprises.py", "enterprises", "page_enterprises", ":material/business:"),
    ("connectivity.py", "connectivity", "page_connectivity", ":material/cell_tower:"),
    ("scorecard.py", "recommendations", "page_scorecard", ":material/map:"),
    ("integrity.py", "integrity", "page_integrity", ":material/policy:"),
    ("county.py", "county", "page_county", ":material/location_city:"),
    ("quality.py", "quality", "page_quality", ":material/fact_check:"),
]


def view_names() -> list[str]:
    """The pages' script names without ``.py`` (``AppTest.switch_page(f"views/{name}.py")``)."""
    return [file.removesuffix(".py") for file, *_ in PAGES]
