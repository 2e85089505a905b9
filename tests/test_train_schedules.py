"""Specifications of aebook.train.schedules: the KL warm-up and the k schedule."""

import pytest

from aebook.train import kl_warmup, scheduled_k


def test_kl_warmup_rises_linearly_from_zero_to_one_and_stays():
    assert [kl_warmup(step, 4) for step in range(7)] == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0]


def test_kl_warmup_rejects_bad_steps():
    with pytest.raises(ValueError, match="step"):
        kl_warmup(-1, 10)
    with pytest.raises(TypeError, match="step"):
        kl_warmup(1.5, 10)
    with pytest.raises(ValueError, match="warmup_steps"):
        kl_warmup(1, 0)


def test_scheduled_k_falls_linearly_over_the_first_half_then_holds():
    ks = [scheduled_k(10, step, 100, k_start=100) for step in range(100)]
    assert ks[0] == 100 and ks[25] == 55 and ks[50] == 10 and ks[-1] == 10
    assert all(a >= b for a, b in zip(ks, ks[1:]))
    assert scheduled_k(200, 0, 100, k_start=100) == 200  # already dense: no schedule
    with pytest.raises(ValueError, match="step must be a non-negative int"):
        scheduled_k(10, -1, 100)
