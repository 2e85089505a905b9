import os

import pytest
import torch

# Unit tests never wait on the network.
os.environ.setdefault("AEBOOK_OFFLINE", "1")
os.environ.setdefault("AEBOOK_PROGRESS", "0")


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)
    yield
