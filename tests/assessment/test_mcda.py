"""The linear additive model: a hand-worked example, two independent libraries, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from shareplan.assessment.mcda import evaluate, rank, weighted_sum
from shareplan.assessment.weights import swing_from_ranked


def test_three_options_four_criteria_by_hand() -> None:
    """Swing points 100, 75, 50, 25 normalise to weights 0.4, 0.3, 0.2, 0.1 (sum 250).

    ======  ====  ====  ====  ====  ==========================================
    option   c1    c2    c3    c4   total
    ======  ====  ====  ====  ====  ==========================================
    A        80    60    50    90   0.4*80 + 0.3*60 + 0.2*50 + 0.1*90 = 69.00
    B        70    90    40    20   28 + 27 + 8 + 2                   = 65.00
    C        55    75   100    65   22 + 22.5 + 20 + 6.5              = 71.00
    ======  ====  ====  ====  ====  ==========================================

    Ranking C (71.00), A (69.00), B (65.00). A's contribution on c2 is 0.3 * 60 = 18.00.
    """
    weights = swing_from_ranked([("c1", 100), ("c2", 75), ("c3", 50), ("c4", 25)])
    assert weights == pytest.approx({"c1": 0.4, "c2": 0.3, "c3": 0.2, "c4": 0.1})
    result = evaluate(
        [[80, 60, 50, 90], [70, 90, 40, 20], [55, 75, 100, 65]],
        list(weights.values()),
        ids=["A", "B", "C"],
        criteria=list(weights),
    )
    assert result.totals == pytest.approx([69.00, 65.00, 71.00], abs=0.005)
    assert result.ranked_ids() == ("C", "A", "B")
    assert result.ranks.tolist() == [2, 3, 1]
    assert result.contributions[0, 1] == pytest.approx(18.00, abs=0.005)
    assert result.contributions.sum(axis=1) == pytest.approx(result.totals)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        evaluate([[10, 20]], [0, 0])
    with pytest.raises(ValueError):
        evaluate([[10, 120]], [1, 1])
    with pytest.raises(ValueError):
        evaluate([[10, 20]], [1, -1])


def _random_matrix(seed: int, n: int = 40, c: int = 13) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    scores = rng.uniform(0, 100, size=(n, c))
    weights = rng.dirichlet(np.ones(c))
    return scores, weights


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ranking_matches_pymcdm(seed: int) -> None:
    """pymcdm's WSM normalises each column (sum normalisation by default); our scores are already
    on the 0-100 value scale, so it is given an identity normaliser and must then rank as we do."""
    from pymcdm.helpers import rrankdata
    from pymcdm.methods import WSM

    scores, weights = _random_matrix(seed)
    preference = WSM(normalization_function=lambda x, cost: x)(
        scores, weights, np.ones(scores.shape[1], dtype=int)
    )
    ours = evaluate(scores, weights)
    assert preference == pytest.approx(ours.totals)
    assert rrankdata(preference).astype(int).tolist() == ours.ranks.tolist()


@pytest.mark.parametrize("seed", [4, 5])
def test_ranking_matches_scikit_criteria(seed: int) -> None:
    """scikit-criteria's WeightedSumModel takes the matrix as given (all objectives maximised)."""
    skc = pytest.importorskip("skcriteria")
    from skcriteria.agg.simple import WeightedSumModel

    scores, weights = _random_matrix(seed)
    dm = skc.mkdm(scores, objectives=[max] * scores.shape[1], weights=weights)
    result = WeightedSumModel().evaluate(dm)
    assert np.asarray(result.rank_).tolist() == evaluate(scores, weights).ranks.tolist()


score_matrices = arrays(
    np.float64, st.tuples(st.integers(2, 8), st.just(4)), elements=st.integers(0, 100)
)
int_weights = arrays(np.float64, 4, elements=st.integers(0, 20))


@settings(max_examples=200, deadline=None)
@given(score_matrices, int_weights, st.floats(0.01, 1000))
def test_scaling_all_weights_leaves_the_ranking(
    scores: np.ndarray, w: np.ndarray, factor: float
) -> None:
    assume(w.sum() > 0)
    base = evaluate(scores, w)
    totals = np.sort(base.totals)
    assume(np.all(np.diff(totals) > 1e-9))  # ties are broken by position, which scaling keeps
    assert evaluate(scores, w * factor).ranks.tolist() == base.ranks.tolist()


@settings(max_examples=300, deadline=None)
@given(score_matrices, int_weights, st.integers(0, 3), st.integers(1, 50))
def test_raising_a_weight_never_lowers_the_best_option_on_it(
    scores: np.ndarray, w: np.ndarray, j: int, extra: int
) -> None:
    """Integer scores and weights keep the sums exact, so ties behave exactly."""
    best = int(np.argmax(scores[:, j]))
    before = rank(weighted_sum(scores, w))[best]
    raised = w.copy()
    raised[j] += extra
    after = rank(weighted_sum(scores, raised))[best]
    assert after <= before
