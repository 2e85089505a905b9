"""What Colab does: install aebook from the repository into a fresh environment and import it
with no other project file around."""
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pip_install_of_the_repository_gives_a_working_aebook(tmp_path):
    # Build from a copy of what pip would see, so setuptools leaves no build/ folder in the repository.
    source = tmp_path / "source"
    shutil.copytree(ROOT / "aebook", source / "aebook", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(wheels), str(source)], check=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    fresh_site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                check=True, capture_output=True, text=True).stdout.strip()
    # aebook's dependencies (torch, ...) come from this environment, as Colab has them preinstalled;
    # aebook itself only from the wheel.
    Path(fresh_site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(wheels.glob("aebook-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", fresh_site,
                    str(wheel)], check=True)
    smoke = ("import aebook, numpy as np; print(aebook.__file__); "
             "view = aebook.SliderView(lambda a: [np.zeros((28, 28))], sliders={'a': [1, 2]}); "
             "assert 'aebook-widget' in view.to_html(); "
             "data = aebook.load_data('mnist', download=False, verbose=False); print(len(data.train_images))")
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run([python, "-c", smoke], cwd=tmp_path, check=True, capture_output=True,
                            text=True, env=environment)
    location, images = result.stdout.split()
    assert location.startswith(fresh_site), f"imported aebook from {location}, not the fresh install"
    assert int(images) > 0
