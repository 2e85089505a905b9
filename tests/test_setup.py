"""Specifications of aebook.setup, the one call at the top of every chapter, and aebook.glue."""
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


def test_glue_hands_the_value_to_myst_nb_when_it_is_there(monkeypatch):
    import sys
    import types
    calls = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display=True: calls.append((name, value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    aebook.glue("ch0_value", 0.25)
    assert calls == [("ch0_value", 0.25, False)]


def test_glue_pastes_numpy_and_torch_scalars_as_python_numbers(monkeypatch):
    import sys
    import types
    calls = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display=True: calls.append(value)
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    aebook.glue("a", np.float64(0.88))
    aebook.glue("b", torch.tensor(3))
    aebook.glue("c", torch.tensor([1.0, 2.0]))  # not a scalar: handed on as it is
    assert calls[:2] == [0.88, 3] and type(calls[0]) is float and type(calls[1]) is int
    assert isinstance(calls[2], torch.Tensor)


def test_glue_does_nothing_without_myst_nb_as_in_colab(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # importing it raises ImportError
    assert aebook.glue("ch0_value", 0.25) is None


def test_glue_names_what_it_expected():
    with pytest.raises(TypeError, match="non-empty str"):
        aebook.glue("", 1.0)
    with pytest.raises(TypeError, match="display must be a bool"):
        aebook.glue("name", 1.0, display="no")
