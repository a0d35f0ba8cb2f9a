"""The benchmark script runs end to end (on a tiny budget) and reports what it measured."""

from __future__ import annotations

import os

import pytest

from ledger.bench import main, run


def test_bench_measures_both_key_types_against_xrpl_py() -> None:
    results = run(seconds=0.05, claim_count=20, rounds=1)
    assert [r.key_type for r in results] == ["ed25519", "secp256k1"]
    for result in results:
        assert result.ours_per_second > result.xrpl_py_per_second > 0
        assert result.share_of_library > 0


def test_bench_report(capsys: pytest.CaptureFixture[str]) -> None:
    cpus_before = os.sched_getaffinity(0)
    main(["--seconds", "0.02", "--claims", "10", "--rounds", "1"])
    assert os.sched_getaffinity(0) == cpus_before  # the pin is undone
    report = capsys.readouterr().out
    assert "ed25519" in report and "secp256k1" in report and "xrpl-py/s" in report
    assert "target >= 20,000 ed25519 verifications/s:" in report
