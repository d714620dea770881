"""Great Expectations suites as Dagster asset checks (one check per suite, on its asset).

Thin: the suites and the validation live in ``expectations/``; this module only binds each
suite to its asset, stores the outcome for the build's validation report, and maps it to an
AssetCheckResult. ERROR severity is blocking: nothing downstream (and no publish) runs."""


from pathlib import Path

import dagster as dg

from dagster_pipeline.resources import GxValidationResource, WarehouseResource
from expectations import outcomes as validation
from smartcounty import settings


GX_PREFIX = "gx_"  # every GX check's name starts with it (dbt tests' names do not)


def check_name(module) -> str:
    from expectations.runner import suite_name

    return GX_PREFIX + suite_name(module)


def outcome_metadata(outcome) -> dict:
    """Failed expectations with counts and a few example values (suites never select
    personal-data columns, so examples cannot carry any)."""
    return {
        "table": outcome.table,
        "row_count": outcome.row_count,
        "evaluated_expectations": int(outcome.statistics.get("evaluated_expectations") or 0),
        "unsuccessful_expectations": int(outcome.statistics.get("unsuccessful_expectations") or 0),
        "failed_expectations": dg.MetadataValue.json(outcome.failed),
        "bands": dg.MetadataValue.json(outcome.bands),
        "elapsed_s": round(float(outcome.elapsed_s), 3),
    }


def render_report(warehouse: Path, run_id: str) -> Path:
    from expectations.html_report import write_report

    from expectations.runner import CheckOutcome

    outcomes = [CheckOutcome(**o) for o in validation.load_outcomes(warehouse, run_id)]
    return write_report(outcomes, validation.report_path(warehouse), {"run_id": run_id, "warehouse": str(warehouse)})


def check_key(module) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(dg.AssetKey(list(module.ASSET_KEY)), check_name(module))


def stage(module) -> str:
    """When a suite's inputs are ready: "raw" after the raw load (every asset it reads is a raw
    source, ``raw_<source>``), "dbt" after the dbt step (which materialises the other assets)."""
    keys = [module.ASSET_KEY, *getattr(module, "ADDITIONAL_ASSET_KEYS", [])]
    return "raw" if all(list(k)[0].startswith("raw_") for k in keys) else "dbt"


def selected_check_keys(context) -> set:
    """The asset checks this run executes (the run's selection, else its job's)."""
    selection = context.run.asset_check_selection
    return set(context.job_def.asset_layer.asset_graph.asset_check_keys if selection is None else selection)


def stage_suites(module, suites, selected) -> list[str]:
    """The selected suites that become ready with ``module``'s (its own included)."""
    from expectations.runner import suite_name

    return [suite_name(m) for m in suites if stage(m) == stage(module) and check_key(m) in selected]


def build_gx_checks(suites) -> list[dg.AssetChecksDefinition]:
    return [_gx_check(module, suites) for module in suites]


def _gx_check(module, suites) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(list(module.ASSET_KEY)),
        name=check_name(module),
        description=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else None,
        blocking=True,
        pool="duckdb",
        additional_deps=[dg.AssetKey(list(k)) for k in getattr(module, "ADDITIONAL_ASSET_KEYS", [])],
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
               gx: GxValidationResource) -> dg.AssetCheckResult:
        from expectations.runner import suite_name

        siblings = stage_suites(module, suites, selected_check_keys(context))
        outcome = gx.validate(warehouse.path, suite_name(module), siblings, settings.check_params())
        wh = Path(warehouse.path)
        validation.save_outcome(wh, context.run.run_id, outcome)
        report = render_report(wh, context.run.run_id)
        meta = outcome_metadata(outcome)
        meta["validation_report"] = dg.MetadataValue.path(str(report))
        severity = dg.AssetCheckSeverity.ERROR if outcome.severity == "ERROR" else dg.AssetCheckSeverity.WARN
        return dg.AssetCheckResult(passed=bool(outcome.passed), severity=severity, metadata=meta)

    return _check
