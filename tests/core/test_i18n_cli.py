"""The command line in French: --lang fr, or the system locale through main.py; JSON unchanged."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import i18n
from core.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"
TYPO = {"format": "neurocanvas-network", "version": 2, "name": "typo",
        "layers": [{"id": "input", "type": "Input", "params": {"shape": [2]}},
                   {"id": "hidden", "type": "Dens"}],
        "connections": [{"from": "input", "to": "hidden"}]}


@pytest.fixture(autouse=True)
def english_again():
    yield
    i18n.set_language("en")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = run_cli(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def typo_file(tmp_path):
    path = tmp_path / "typo.json"
    path.write_text(json.dumps(TYPO))
    return path


@pytest.mark.parametrize("argv", [["--lang", "fr", "validate"], ["validate", "--lang", "fr"],
                                  ["validate", "--lang=fr"]])
def test_lang_fr_explains_a_broken_file_in_french(typo_file, argv):
    code, out, err = run(*argv, str(typo_file))
    assert code == 1 and out == ""
    assert err.startswith("erreur\u00a0: ")
    assert "Type de couche inconnu\u00a0: \"Dens\". Vouliez-vous dire \"Dense\"\u00a0?" in err
    assert f"{typo_file}, en $.layers[1].type" in err


def test_without_lang_the_cli_keeps_the_language_it_was_given(typo_file):
    code, _out, err = run("validate", str(typo_file))
    assert code == 1 and err.startswith("error: ") and "Unknown layer type" in err
    i18n.set_language("fr")  # what main.py does for LANG=fr_FR.UTF-8
    _code, _out, err = run("validate", str(typo_file))
    assert "Type de couche inconnu" in err


def test_a_language_we_do_not_have_is_a_usage_error(typo_file, capsys):
    with pytest.raises(SystemExit) as stop:
        run("--lang", "de", "validate", str(typo_file))
    assert stop.value.code == 2 and "--lang" in capsys.readouterr().err


def test_the_help_is_french(capsys):
    with pytest.raises(SystemExit):
        run("--lang", "fr", "train", "--help")
    text = capsys.readouterr().out
    assert text.startswith("utilisation\u00a0: main.py train")
    assert "remplacer le nombre d'époques du fichier" in text
    assert "afficher cette aide et quitter" in text


def test_train_json_keeps_english_keys_and_machine_values_in_french():
    code, out, _ = run("--lang", "fr", "train", str(EXAMPLES / "linear_regression.json"), "--json",
                       "--epochs", "4")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and set(rows[0]) == {"epoch", "train_loss", "val_loss", "train_accuracy",
                                          "val_accuracy"}
    final = rows[-1]
    assert final["reason"] == "completed" and final["final"] is True
    assert final["message"] == "Terminé\u00a0: 4 époques."  # the human sentence is translated
    assert isinstance(final["train_loss"], float)  # a JSON number, never "0,375"


def test_train_text_output_in_french_uses_the_decimal_comma():
    code, out, _ = run("--lang", "fr", "train", str(EXAMPLES / "linear_regression.json"),
                       "--epochs", "4")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "époque 1  perte_entraînement 13,5"
    assert "Terminé\u00a0: 4 époques." in lines and lines[-1].startswith("final\u00a0: époque 4  ")


def run_main(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items()
               if k not in i18n.LOCALE_VARIABLES and not k.startswith("PYTEST")}
    environ.update(env)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_a_french_system_locale_gives_french_messages(typo_file):
    """The issue's own check: LANG=fr_FR.UTF-8 python main.py validate FILE explains in French."""
    result = run_main("validate", str(typo_file), LANG="fr_FR.UTF-8")
    assert result.returncode == 1
    assert "erreur\u00a0:" in result.stderr and "Type de couche inconnu" in result.stderr
    english = run_main("validate", str(typo_file), LANG="C.UTF-8")
    assert "error: " in english.stderr and "Unknown layer type" in english.stderr
    forced = run_main("--lang", "en", "validate", str(typo_file), LANG="fr_FR.UTF-8")
    assert "Unknown layer type" in forced.stderr  # --lang wins over the locale


def test_a_broken_network_is_explained_in_french(tmp_path):
    """Validation problems, the summary's plural and the table's headings, in French."""
    data = json.loads((EXAMPLES / "xor.json").read_text())
    data["layers"][1]["label"] = "Couche cachée"
    data["layers"][1]["params"]["activation"] = "step"
    path = tmp_path / "step.json"
    path.write_text(json.dumps(data))
    result = run_main("validate", str(path), LANG="fr_FR.UTF-8")
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert lines[0].split() == ["couche", "type", "sortie", "paramètres", "nom"]
    assert "1 problème" in lines
    assert ("erreur\u00a0: [hidden] Dense 'Couche cachée' (hidden) utilise la fonction d'activation "
            "Step, dont le gradient est nul partout") in result.stdout
    assert "descente de gradient" in result.stdout


def test_a_valid_network_counts_its_parameters_in_french():
    code, out, _ = run("--lang", "fr", "validate", str(EXAMPLES / "xor.json"))
    assert code == 0 and out.splitlines()[-1] == "Valide — 17 paramètres"


@pytest.mark.parametrize("total, english, french", [
    (0, "Valid — 0 parameters", "Valide — 0 paramètre"),
    (1, "Valid — 1 parameter", "Valide — 1 paramètre"),
    (12345, "Valid — 12,345 parameters", "Valide — 12\u00a0345 paramètres"),
])
def test_the_summary_has_the_right_plural_in_both_languages(total, english, french):
    from core.validation import ValidationReport
    report = ValidationReport(param_counts={"hidden": total})
    assert report.summary() == english
    i18n.set_language("fr")
    assert report.summary() == french


def test_inspect_prints_numbers_with_the_decimal_comma_in_french():
    code, out, _ = run("--lang", "fr", "inspect", str(EXAMPLES / "xor.json"))
    assert code == 0
    hidden = out[out.index("== forward hidden"):]
    assert "pre_activation = [[-0,062752  0,187109" in hidden  # numpy's columns, French comma
    assert "[0  1 ]" in out  # a whole number loses its point rather than reading "1,"


def test_numpy_text_keeps_its_shape_and_english_is_untouched():
    from core.cli import localize_numbers
    text = "[[1.e-07 2.5e+10]\n [0.25 1. ]] ..."
    assert localize_numbers(text) == text
    i18n.set_language("fr")
    assert localize_numbers(text) == "[[1,e-07 2,5e+10]\n [0,25 1  ]] ..."


def test_main_usage_in_french_and_a_wrong_lang_for_the_window(capsys, monkeypatch):
    import main
    for name in i18n.LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert main.main(["--lang", "fr", "--help"]) == 0
    assert "Chaque commande accepte --lang fr|en" in capsys.readouterr().out
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert main.main(["--lang", "xx"]) == 2  # never opens a window with a language we lack
    assert capsys.readouterr().err == "erreur\u00a0: --lang attend fr ou en.\n"  # the system's
