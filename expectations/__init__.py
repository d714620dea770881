"""Great Expectations suites as code: one module per validated table (``expectations.suites``).

    from expectations.runner import SUITES, validate, validate_all
    outcome = validate(con, suites.fig1_investment_share, {"report_years": [2022, 2023]})
    outcomes = validate_all(con)                       # every suite of SUITES, in pipeline order
    from expectations.html_report import write_report
    write_report(outcomes, Path("validation.html"), {"raw": "..."})

GX validates pandas frames read from DuckDB (its SQL path is broken on DuckDB); GX itself is
imported lazily on the first validation, once per process. Band defaults: ``bands.py``;
other parameters: ``params.py``.
"""
