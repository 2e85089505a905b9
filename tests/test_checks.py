"""Specifications of aebook._checks: the argument checks every public function shares, so that
one kind of argument fails with one error everywhere."""
import numpy as np
import pytest
import torch

from aebook._checks import check_images, check_labels, check_tensor


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64])
def test_labels_of_any_integer_dtype_come_back_as_int64(dtype):
    labels = check_labels("labels", torch.tensor([0, 2, 1], dtype=dtype), 3)
    assert labels.dtype == torch.int64 and labels.tolist() == [0, 2, 1]


@pytest.mark.parametrize("labels, error, message", [
    (np.array([0, 1]), TypeError, "labels must be a torch.Tensor"),
    (torch.tensor([0.0, 1.0]), TypeError, "integer class indices"),
    (torch.tensor([True, False]), TypeError, "integer class indices"),
    (torch.tensor([0, 1, 1]), ValueError, r"shape \(2,\), one label per row"),
    (torch.tensor([[0, 1]]), ValueError, "one label per row"),
    (torch.tensor([0, -1]), ValueError, "non-negative class indices"),
])
def test_labels_that_are_not_one_class_index_per_row_are_rejected(labels, error, message):
    with pytest.raises(error, match=message):
        check_labels("labels", labels, 2)


def test_tensor_check_names_what_is_wrong():
    assert check_tensor("codes", torch.zeros(2, 3)).shape == (2, 3)
    with pytest.raises(TypeError, match="codes must be a torch.Tensor"):
        check_tensor("codes", [[0.0]])
    with pytest.raises(TypeError, match="codes must be a floating-point tensor"):
        check_tensor("codes", torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="codes must have 2 dimensions"):
        check_tensor("codes", torch.zeros(3))
    with pytest.raises(ValueError, match="codes is empty"):
        check_tensor("codes", torch.zeros(0, 3))


def test_image_check_is_the_tensor_check_with_any_number_of_dimensions_on_request():
    assert check_images("images", torch.zeros(2, 1, 4, 4), ndim=None).shape == (2, 1, 4, 4)
    with pytest.raises(ValueError, match="images must have 2 dimensions"):
        check_images("images", torch.zeros(2, 1, 4, 4))
