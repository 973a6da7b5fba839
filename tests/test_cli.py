import subprocess
import sys

from learninspy.cli import main


def test_demo_iris_prints_its_test_metrics(capsys):
    assert main(["demo", "iris", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "learninspy demo 'iris'" in out and "Accuracy" in out


def test_console_script_and_bad_arguments():
    result = subprocess.run([sys.executable, "-m", "learninspy", "demo", "nonsense"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "invalid choice: 'nonsense'" in result.stderr
