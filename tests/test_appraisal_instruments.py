"""Instruments as data: the bundled MMAT 2018 word for word, workspace instruments, validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from review.appraisal import available, bundled, load_instrument
from review.appraisal.instruments import identify
from review.appraisal.rules import check_answer, check_category, check_design, check_item
from review.errors import ConfigError, InputError

DATA = Path(__file__).resolve().parent / "data" / "appraisal"

#: MMAT 2018 (Hong et al. 2018), its 27 questions as the tool prints them.
MMAT_2018 = {
    "S1": "Are there clear research questions?",
    "S2": "Do the collected data allow to address the research questions?",
    "1.1": "Is the qualitative approach appropriate to answer the research question?",
    "1.2": "Are the qualitative data collection methods adequate to address the research question?",
    "1.3": "Are the findings adequately derived from the data?",
    "1.4": "Is the interpretation of results sufficiently substantiated by data?",
    "1.5": "Is there coherence between qualitative data sources, collection, analysis and interpretation?",
    "2.1": "Is randomization appropriately performed?",
    "2.2": "Are the groups comparable at baseline?",
    "2.3": "Are there complete outcome data?",
    "2.4": "Are outcome assessors blinded to the intervention provided?",
    "2.5": "Did the participants adhere to the assigned intervention?",
    "3.1": "Are the participants representative of the target population?",
    "3.2": "Are measurements appropriate regarding both the outcome and intervention (or exposure)?",
    "3.3": "Are there complete outcome data?",
    "3.4": "Are the confounders accounted for in the design and analysis?",
    "3.5": "During the study period, is the intervention administered (or exposure occurred) as intended?",
    "4.1": "Is the sampling strategy relevant to address the research question?",
    "4.2": "Is the sample representative of the target population?",
    "4.3": "Are the measurements appropriate?",
    "4.4": "Is the risk of nonresponse bias low?",
    "4.5": "Is the statistical analysis appropriate to answer the research question?",
    "5.1": "Is there an adequate rationale for using a mixed methods design to address the research question?",
    "5.2": "Are the different components of the study effectively integrated to answer the research question?",
    "5.3": "Are the outputs of the integration of qualitative and quantitative components adequately interpreted?",
    "5.4": "Are divergences and inconsistencies between quantitative and qualitative results adequately addressed?",
    "5.5": "Do the different components of the study adhere to the quality criteria of each tradition of the "
           "methods involved?",
}


def test_bundled_mmat_carries_all_27_questions_word_for_word() -> None:
    tool = bundled()
    assert {i.id: i.text for i in tool.all_items()} == MMAT_2018
    assert [(c.id, c.label) for c in tool.categories] == [
        ("1", "Qualitative"), ("2", "Quantitative randomized controlled trials"),
        ("3", "Quantitative non-randomized"), ("4", "Quantitative descriptive"), ("5", "Mixed methods")]
    assert tool.answer_ids == ["yes", "no", "cant-tell"]
    assert tool.version == "2018" and "Registration of Copyright (#1148552)" in tool.citation
    assert all(i.guidance for i in tool.all_items())


@pytest.mark.parametrize("typed,expected", [("Yes", "yes"), ("N", "no"), ("Can't tell", "cant-tell"),
                                            ("can\u2019t tell", "cant-tell"), ("cant-tell", "cant-tell")])
def test_answers_as_people_type_them(typed: str, expected: str) -> None:
    assert check_answer(bundled(), typed) == expected


def test_answer_outside_the_set_is_refused() -> None:
    with pytest.raises(InputError, match="'maybe' is not an answer of mmat-2018; use one of: yes, no, cant-tell"):
        check_answer(bundled(), "maybe")


def test_categories_and_mixed_methods_rules() -> None:
    tool = bundled()
    assert check_category(tool, "Qualitative") == "1" and check_category(tool, "n/a") == "not-applicable"
    assert check_category(tool, "5. Mixed methods") == "5" and check_category(tool, "not applicable") == "not-applicable"
    with pytest.raises(InputError, match="mmat-2018 has no category '6'"):
        check_category(tool, "6")
    assert check_design(tool, "5", ["2", "1"]) == ("1", "2")
    with pytest.raises(InputError, match="one quantitative category, not 2 and 3"):
        check_design(tool, "5", ["1", "2", "3"])
    with pytest.raises(InputError, match="category 1 is rated on its own criteria only"):
        check_design(tool, "1", ["2"])
    assert tool.items_for(["5", "1", "3"]) == ["S1", "S2", *[f"{c}.{n}" for c in (5, 1, 3) for n in range(1, 6)]]


def test_a_2011_question_is_recognised_and_refused() -> None:
    tool = bundled()
    with pytest.raises(InputError, match="is a question of MMAT 2011, not of mmat-2018: never mix versions"):
        check_item(tool, "Is there low withdrawal/drop-out (below 20%)?")
    with pytest.raises(InputError, match="mmat-2018 has no question '1.6'"):
        check_item(tool, "1.6")
    assert check_item(tool, "2.3. Are there complete outcome data?") == "2.3"


@pytest.mark.parametrize("name", ["MMAT 2011", "mmat-2011", "MMAT v2011"])
def test_a_sheet_naming_another_version_is_refused(name: str) -> None:
    with pytest.raises(InputError, match="MMAT version 2011; this workspace appraises with mmat-2018"):
        identify(name, available())


def test_workspace_instruments_are_loaded_and_validated(tmp_path: Path) -> None:
    folder = tmp_path / "protocols" / "appraisal"
    folder.mkdir(parents=True)
    shutil.copy(DATA / "custom_instrument.yaml", folder / "casp.yaml")
    tools = available(tmp_path)
    assert set(tools) == {"mmat-2018", "casp-lite"}
    assert tools["casp-lite"].items_for(["A"]) == ["A1", "A2"]
    with pytest.raises(ConfigError) as caught:
        load_instrument(DATA / "bad_instrument.yaml")
    assert str(caught.value).endswith("bad_instrument.yaml:12: id: question id 'A1' is used twice (or reserved)")


def test_malformed_instrument_files_name_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("id: x\nversion: '1'\nanswers: []\ncategories: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"x.yaml:3: answers: 'answers' must be a non-empty list"):
        load_instrument(path)
    path.write_text("id: x\nversion: '1'\nscore: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"x.yaml:3: score: unknown key"):
        load_instrument(path)
    path.write_text("id: [x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"x.yaml:2: "):
        load_instrument(path)
