"""Specifications of aebook.metrics.anomaly: the ROC curve, AUROC, precision and recall at a
threshold, the validation threshold and a compressor's code length (chapter 14)."""
import math

import pytest
import torch

from aebook.metrics.anomaly import (
    auroc,
    code_length_nats,
    precision_recall,
    roc_curve,
    threshold_for_rate,
)

# scikit-learn's documented example: AUROC 0.75
SCORES = torch.tensor([0.1, 0.4, 0.35, 0.8], dtype=torch.float64)
LABELS = torch.tensor([0, 0, 1, 1])


def test_roc_curve_of_a_known_example():
    fpr, tpr, thresholds = roc_curve(SCORES, LABELS)
    assert fpr.tolist() == [0, 0, 0.5, 0.5, 1]
    assert tpr.tolist() == [0, 0.5, 0.5, 1, 1]
    assert thresholds[0] == math.inf and thresholds[1:].tolist() == pytest.approx([0.8, 0.4, 0.35, 0.1])


def test_auroc_of_a_known_example_equals_the_area_under_the_roc_curve():
    assert auroc(SCORES, LABELS) == pytest.approx(0.75)
    fpr, tpr, _ = roc_curve(SCORES, LABELS)
    assert torch.trapezoid(tpr, fpr).item() == pytest.approx(0.75)


def test_auroc_is_one_when_separated_zero_when_reversed_and_a_half_for_ties():
    labels = torch.tensor([0, 0, 1, 1])
    assert auroc(torch.tensor([0.0, 1.0, 2.0, 3.0]), labels) == 1.0
    assert auroc(torch.tensor([3.0, 2.0, 1.0, 0.0]), labels) == 0.0
    assert auroc(torch.ones(4), labels) == 0.5
    assert auroc(torch.tensor([0.0, 1.0, 1.0, 2.0]), labels) == pytest.approx(0.875)  # one tie


def test_auroc_matches_the_pairwise_definition_and_the_trapezoid_on_random_ties():
    generator = torch.Generator().manual_seed(0)
    scores = torch.randint(0, 6, (200,), generator=generator).double()
    labels = torch.randint(0, 2, (200,), generator=generator)
    positive, negative = scores[labels == 1], scores[labels == 0]
    pairs = (positive[:, None] > negative[None]).double() + 0.5 * (positive[:, None] == negative[None])
    assert auroc(scores, labels) == pytest.approx(pairs.mean().item())
    fpr, tpr, _ = roc_curve(scores, labels)
    assert torch.trapezoid(tpr, fpr).item() == pytest.approx(pairs.mean().item())
    assert len(fpr) == len(scores.unique()) + 1 and (fpr.diff() >= 0).all() and (tpr.diff() >= 0).all()


def test_auroc_does_not_depend_on_the_order_or_a_monotone_map_of_the_scores():
    generator = torch.Generator().manual_seed(1)
    scores, labels = torch.randn(50, generator=generator), torch.arange(50) % 2
    order = torch.randperm(50, generator=generator)
    value = auroc(scores, labels)
    assert auroc(scores[order], labels[order]) == pytest.approx(value)
    assert auroc(scores.exp() * 3 + 1, labels.bool()) == pytest.approx(value)


def test_precision_and_recall_at_a_threshold():
    assert precision_recall(SCORES, LABELS, 0.35) == (pytest.approx(2 / 3), 1.0)
    assert precision_recall(SCORES, LABELS, 0.8) == (1.0, 0.5)
    precision, recall = precision_recall(SCORES, LABELS, 0.9)  # nothing flagged
    assert math.isnan(precision) and recall == 0.0


def test_threshold_for_rate_flags_that_share_of_normal_scores():
    normal = torch.arange(1000).double()
    threshold = threshold_for_rate(normal, 0.05)
    assert (normal >= threshold).double().mean().item() == pytest.approx(0.05, abs=0.002)


def test_code_length_is_longer_for_a_complex_image_and_in_nats():
    blank = torch.zeros(1, 784)
    noise = torch.rand(1, 784, generator=torch.Generator().manual_seed(0))
    for compressor in ("png", "zlib"):
        lengths = code_length_nats(torch.cat([blank, noise]), compressor)
        assert lengths.dtype == torch.float64 and lengths[1] > 5 * lengths[0]
        size = lengths / (8 * math.log(2))
        assert (size - size.round()).abs().max() < 1e-9  # whole bytes
    raw = code_length_nats(noise, "zlib").item() / (8 * math.log(2))
    assert raw >= 784  # random bytes do not compress


@pytest.mark.parametrize("call, error", [
    (lambda: auroc([0.1, 0.2], torch.tensor([0, 1])), TypeError),
    (lambda: auroc(torch.tensor([0.1, 0.2]), [0, 1]), TypeError),
    (lambda: auroc(torch.tensor([0.1, 0.2]), torch.tensor([0, 1, 1])), ValueError),
    (lambda: auroc(torch.tensor([0.1, 0.2]), torch.tensor([0, 2])), ValueError),
    (lambda: auroc(torch.tensor([0.1, 0.2]), torch.tensor([0.0, 1.0])), TypeError),
    (lambda: auroc(torch.tensor([0.1, 0.2]), torch.tensor([1, 1])), ValueError),
    (lambda: roc_curve(torch.tensor([0.1, 0.2]), torch.tensor([0, 0])), ValueError),
    (lambda: roc_curve(torch.tensor([0.1, math.nan]), torch.tensor([0, 1])), ValueError),
    (lambda: roc_curve(torch.rand(2, 2), torch.zeros(2, 2, dtype=torch.long)), ValueError),
    (lambda: roc_curve(torch.tensor([]), torch.tensor([], dtype=torch.long)), ValueError),
    (lambda: precision_recall(SCORES, LABELS, "0.5"), TypeError),
    (lambda: precision_recall(SCORES, LABELS, math.nan), ValueError),
    (lambda: precision_recall(SCORES, torch.zeros(4, dtype=torch.long), 0.5), ValueError),
    (lambda: threshold_for_rate(torch.rand(10), 0.0), ValueError),
    (lambda: threshold_for_rate(torch.rand(10), 1.5), ValueError),
    (lambda: threshold_for_rate(torch.rand(10), True), TypeError),
    (lambda: code_length_nats(torch.rand(2, 784), "gzip"), ValueError),
    (lambda: code_length_nats(torch.rand(2, 100), "png"), ValueError),
    (lambda: code_length_nats(torch.zeros(2, 784, dtype=torch.uint8)), ValueError),
    (lambda: code_length_nats([[0.0] * 784]), TypeError),
])
def test_bad_input_raises_a_clear_error(call, error):
    with pytest.raises(error):
        call()
