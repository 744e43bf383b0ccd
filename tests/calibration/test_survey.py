"""The simulated survey: both modes, role views, weighting, errors."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.calibration import survey as sv
from aiadopt.calibration.targets import CATEGORY_VOCABULARIES, load_targets
from aiadopt.model import AdoptionModel, Params

PARAMS = Params(n_firms=4_000)


@pytest.fixture(scope="module")
def model_at_survey():
    with AdoptionModel(PARAMS, seed=3, firm_agents=False) as model:
        model.run("2025-03")
        yield model


def test_expected_mode_answers_every_target(model_at_survey):
    targets = load_targets()
    frame = sv.survey_model(model_at_survey, targets, "expected")
    assert list(frame.id) == [t.id for t in targets]
    modelled = frame[~frame.id.str.contains("outsourcing_reason_(?:complexity|provider_quality)")]
    assert modelled.value.notna().all()
    shares = frame[frame.kind == "proportion"].value.dropna()
    assert ((shares >= 0) & (shares <= 1)).all()


def test_not_modelled_targets_are_nan_not_invented(model_at_survey):
    frame = sv.survey_model(model_at_survey, load_targets(), "expected").set_index("id")
    assert np.isnan(frame.loc["outsourcing_reason_complexity_planned", "value"])
    assert np.isnan(frame.loc["outsourcing_reason_provider_quality_in_place", "value"])
    assert np.isfinite(frame.loc["outsourcing_reason_skills_planned", "value"])


def test_business_view_of_deployed_is_looser(model_at_survey):
    frame = sv.survey_model(model_at_survey, load_targets(), "expected").set_index("id")
    assert (
        frame.loc["deployed_view_business", "value"] > frame.loc["deployed_view_technique", "value"]
    )


def test_sampled_mode_has_the_study_design(model_at_survey):
    rng = np.random.default_rng(1)
    answers = sv.sampled_answers(model_at_survey.state, PARAMS, rng)
    assert answers.n == 231
    assert (answers.role == sv.TECHNIQUE).sum() == 114
    assert (answers.role == sv.BUSINESS).sum() == 117
    # raked weights reproduce the population's size margin
    state = model_at_survey.state
    pop = np.bincount(state.size, minlength=3) / state.n
    got = np.bincount(answers.size, weights=answers.weight, minlength=3)
    assert np.allclose(got, pop, atol=1e-6)
    assert set(np.unique(answers.interest)) <= {0.0, 1.0}


def test_sampled_mode_centres_on_expected_mode(model_at_survey):
    targets = [t for t in load_targets() if t.id in ("engaged_share", "in_place_share")]
    expected = sv.survey_model(model_at_survey, targets, "expected").set_index("id").value
    rng = np.random.default_rng(7)
    draws = [
        sv.survey_model(model_at_survey, targets, "sampled", rng).set_index("id").value
        for _ in range(60)
    ]
    mean = np.mean(draws, axis=0)
    sd = np.std(draws, axis=0)
    assert np.all(np.abs(mean - expected.values) < 3 * sd / np.sqrt(60) + 0.01)
    assert np.all(sd > 0.01)  # the study's own sampling noise shows


def test_rake_matches_margins():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 3, 500)
    b = rng.integers(0, 2, 500)
    w = sv.rake([(a, np.array([0.5, 0.3, 0.2])), (b, np.array([0.4, 0.6]))], np.ones(500))
    assert np.allclose(np.bincount(a, weights=w), [0.5, 0.3, 0.2], atol=1e-8)
    assert np.allclose(np.bincount(b, weights=w), [0.4, 0.6], atol=1e-8)


def test_errors_are_clear(model_at_survey):
    with pytest.raises(sv.SurveyError, match="allowed: expected, sampled"):
        sv.survey_model(model_at_survey, mode="census")
    with pytest.raises(sv.SurveyError, match="needs a random generator"):
        sv.survey_model(model_at_survey, mode="sampled")
    with AdoptionModel(Params(n_firms=300), seed=1, firm_agents=False) as early:
        early.run("2024-01")
        with pytest.raises(sv.SurveyError, match="2025-03"):
            sv.survey_model(early)


def test_run_survey_is_deterministic():
    a = sv.run_survey(Params(n_firms=1_000), seed=5, mode="sampled", replicates=2)
    b = sv.run_survey(Params(n_firms=1_000), seed=5, mode="sampled", replicates=2)
    assert a.equals(b)


def test_target_categories_are_the_model_enums_labels() -> None:
    """Every category a target may name is a member of the model's enumeration, with its code
    taken from the enum (one place where a code is declared)."""
    for vocabulary, enum in sv.CATEGORY_ENUMS.items():
        codes = sv.codes_of(enum)
        assert tuple(codes) == CATEGORY_VOCABULARIES[vocabulary], vocabulary
        assert all(enum[name.upper()] == code for name, code in codes.items())
