"""The learned sentence cues: features, the shipped model, and how the cue rules defer to patterns."""

from __future__ import annotations

import pytest
import srsly

from complaint_lint.cues import FEATURES_VERSION, load_model, sentence_features
from complaint_lint.packs import core_pack

MODEL = core_pack() / "models" / "cues.json"


def test_subject_roles_are_features(linter):
    doc = linter.parse("The driver didn't turn up, so our team moved it.")
    features = sentence_features(next(iter(doc.sents)))
    assert {"sv:N|turn", "sn:N|True", "sv:1N|move", "sn:1N|False", "l:driver"} <= set(features)
    assert features == sorted(set(features))


def test_shipped_model_matches_the_feature_code():
    data = srsly.read_json(MODEL)
    assert data["features_version"] == FEATURES_VERSION
    model = load_model(MODEL)
    assert set(model.weights) == {"blame-shifting", "buck-passing", "arguing"}
    assert all(0 < t < 1 for t in model.thresholds.values())


def test_a_model_for_other_features_is_refused(tmp_path):
    stale = tmp_path / "cues.json"
    srsly.write_json(stale, {"features_version": FEATURES_VERSION + 1, "categories": {}})
    with pytest.raises(ValueError, match="retrain"):
        load_model(stale)


def test_a_sentence_a_pattern_reports_is_not_reported_again(linter):
    report = linter.lint("The parts supplier sent the wrong model, which held everything up.", complaint=True)
    blame = [f for f in report.findings if f.category == "blame-shifting"]
    assert [f.rule for f in blame] == ["blame-shifting.third-party-caused"]


def test_a_cue_is_reported_where_no_pattern_speaks(linter):
    text = "Sorry for the wait. The removal men never turned up on the day, which is why nothing was moved."
    blame = [f for f in linter.lint(text, complaint=True).findings if f.category == "blame-shifting"]
    assert [(f.rule, f.text, f.severity) for f in blame] == [
        ("blame-shifting.learned-cue", "The removal men never turned up on the day, which is why nothing was moved",
         "warning")]
