"""The command line's ``figures`` command: per-place charts' PNG and SVG on demand."""
import shutil

from PIL import Image

from ipcompare import cli
from ipcompare.views import report


def test_figures_draws_a_places_static_charts_in_both_languages_then_takes_them_from_the_cache(at_scale, tmp_path, capsys):
    source, _, _ = at_scale
    root = tmp_path / "project"
    shutil.copytree(source.root, root)
    files = [root / "reports" / "figures" / lang / f"profile_hubei.{ext}" for lang in report.LANGS for ext in ("png", "svg")]
    assert not any(f.exists() for f in files)
    assert cli.main(["--root", str(root), "figures", "hubei", "--quiet"]) == 0
    assert "2 charts (2 drawn, 0 from the cache)" in capsys.readouterr().out
    first = [f.read_bytes() for f in files]
    with Image.open(files[0]) as png:
        assert round(png.info["dpi"][0]) == 200 and png.width > 1000
    assert b"<svg" in first[1]
    assert not (root / "reports" / "figures" / "en" / "profile_guizhou.png").exists()  # only the place asked for
    assert cli.main(["--root", str(root), "figures", "湖北", "--quiet"]) == 0  # by its name: the same charts
    assert "2 charts (0 drawn, 2 from the cache)" in capsys.readouterr().out
    assert [f.read_bytes() for f in files] == first


def test_figures_of_an_unknown_place_is_a_one_line_error_naming_the_known_ones(at_scale, capsys):
    project, _, _ = at_scale
    assert cli.main(["--root", str(project.root), "figures", "hubei", "河南"]) == 2
    err = capsys.readouterr().err
    assert err == "error: 河南: no such place with per-place charts; known: 贵州 (guizhou), 湖北 (hubei), 山西 (shanxi)\n"
    assert cli.main(["--root", str(project.root), "figures"]) == 2
    assert "--all" in capsys.readouterr().err
    assert not (project.reports / "figures" / "en" / "profile_hubei.png").exists()
