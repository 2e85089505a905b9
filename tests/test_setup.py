"""Specifications of aebook.setup, the one call at the top of every chapter."""
import random

import matplotlib
import numpy as np
import pytest
import torch

import aebook


@pytest.fixture
def default_style():
    """Start from matplotlib's defaults and leave them as they were."""
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        yield


def draws() -> tuple:
    return random.random(), np.random.rand(), torch.rand(3).tolist()


def test_setup_seeds_python_numpy_and_torch_so_a_chapter_repeats(default_style):
    aebook.setup(seed=3)
    first = draws()
    aebook.setup(seed=3)
    assert draws() == first
    aebook.setup(seed=4)
    assert draws() != first


def test_setup_applies_the_book_style(default_style):
    assert matplotlib.rcParams["axes.spines.top"] and matplotlib.rcParams["image.cmap"] != "gray"
    aebook.setup()
    assert not matplotlib.rcParams["axes.spines.top"] and not matplotlib.rcParams["axes.spines.right"]
    assert matplotlib.rcParams["image.cmap"] == "gray" and matplotlib.rcParams["axes.grid"]


def test_setup_returns_the_device_and_says_what_it_runs_on(default_style, capsys):
    device = aebook.setup()
    assert device == torch.device("cuda" if torch.cuda.is_available() else "cpu")
    assert capsys.readouterr().out == (f"aebook {aebook.__version__}, torch {torch.__version__}, "
                                       f"device: {device}\n")


def test_setup_refuses_a_seed_that_is_not_a_non_negative_int(default_style):
    with pytest.raises(TypeError, match="seed"):
        aebook.setup(seed=1.5)
    with pytest.raises(ValueError, match="seed"):
        aebook.setup(seed=-1)
