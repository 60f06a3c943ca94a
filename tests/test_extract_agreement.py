"""`review extract agreement`: two coders on one report, against a hand-computed example."""

from __future__ import annotations

import json

import pytest
from extraction_support import DATA, extraction_workspace

from review.extraction.agreement import link_statistics

TEXT = (DATA / "report-anderson.md").read_text(encoding="utf-8")
A1 = "Several mothers described the group as the first place"
B1 = "described the group as the first place where they could speak"
A2 = "Facilitators reported that mothers valued the ﬂexible, drop-in format"
B2 = "mothers valued the ﬂexible, drop-in format"
A3 = "self-esteem improved once mothers had attended three or more sessions"
B3 = "I didn’t have to pretend in there."


def test_hand_computed_kappa_and_alpha(cli, workspace) -> None:
    ids = extraction_workspace(workspace)
    report = str(ids["md"])
    for coder, quote, theories in [("alice", A1, ("T1", "P14")), ("alice", A2, ("T2",)), ("alice", A3, ("P14",)),
                                   ("bob", B1, ("T1", "P14:refutes")), ("bob", B2, ("T2", "N2:refutes")),
                                   ("bob", B3, ("T1",))]:
        args = ["extract", "add", "--report", report, "--quote", quote, "--coder", coder]
        if quote in (A1, B1):
            args += ["--outcome", "Speaks openly"]
        if quote == A1:
            args += ["--context", "Group"]
        for theory in theories:
            args += ["--theory", theory]
        assert cli(*args).exit_code == 0
    # Aligned segments: (A1,B1) (A2,B2) (A3,-) (-,B3). Items (alice, bob), one per theory either linked:
    #   A1/B1: T1 (supports, supports), P14 (supports, refutes); A2/B2: N2 (none, refutes), T2 (s, s);
    #   A3: P14 (supports, none); B3: T1 (none, supports).  Agreed 2 of 6.
    # Cohen: p_o = 2/6; alice s4 none2, bob s3 r2 none1: p_e = (4*3 + 2*1)/36 = 14/36;
    #   kappa = (12/36 - 14/36) / (22/36) = -1/11 = -0.0909.
    # Krippendorff (nominal): n = 12 values, n_s 7, n_r 2, n_none 3, 8 disagreeing ordered pairs:
    #   alpha = 1 - (n - 1) * 8 / (n^2 - (49 + 4 + 9)) = 1 - 88/82 = -0.0732.
    result = json.loads(cli("extract", "agreement", "--json").output)
    (pair,) = result["pairs"]
    assert pair["coders"] == ["alice", "bob"] and pair["reports"] == [ids["md"]]
    assert pair["segments"] == 4 and pair["overlapping"] == 2
    links = pair["theory_links"]
    assert links["items"] == 6 and links["agreed"] == 2
    assert links["percent_agreement"] == pytest.approx(2 / 6, abs=1e-4)
    assert links["cohen_kappa"] == pytest.approx(-1 / 11, abs=1e-4)
    assert links["krippendorff_alpha"] == pytest.approx(1 - 88 / 82, abs=1e-4)
    both = len("described the group as the first place") + len(B2)
    chars = pair["characters"]
    assert chars["alice"] == len(A1) + len(A2) + len(A3) and chars["bob"] == len(B1) + len(B2) + len(B3)
    assert chars["both"] == both
    assert chars["overlap"] == pytest.approx(both / (chars["alice"] + chars["bob"] - both), abs=1e-4)
    # C/M/O: 4 segments x 4 components = 16 items; both coded O on A1/B1, only alice coded C:
    # 15 of 16 agree. alice: coded 2, none 14; bob: coded 1, none 15: p_e = (2*1 + 14*15)/256 = 212/256,
    # kappa = (240/256 - 212/256) / (44/256) = 28/44.
    cmo = pair["cmo_components"]
    assert cmo["items"] == 16 and cmo["agreed"] == 15
    assert cmo["cohen_kappa"] == pytest.approx(28 / 44, abs=1e-4)
    aligned = pair["by_report"][0]["aligned"]
    assert aligned[0]["theories"]["P14"] == {"alice": "supports", "bob": "refutes"}
    text = cli("extract", "agreement").output
    assert "alice and bob: 1 report(s) both coded" in text and "Cohen's kappa -0.09" in text


def test_no_pairs_and_degenerate_statistics(cli, workspace) -> None:
    extraction_workspace(workspace)
    assert "No report was coded by two coders" in cli("extract", "agreement").output
    assert json.loads(cli("extract", "agreement", "--json").output)["pairs"] == []
    same = link_statistics([("supports", "supports")] * 3)
    assert same["percent_agreement"] == 1 and same["cohen_kappa"] is None and same["krippendorff_alpha"] is None
    perfect = link_statistics([("supports", "supports"), ("none", "none")])
    assert perfect["cohen_kappa"] == 1 and perfect["krippendorff_alpha"] == 1
