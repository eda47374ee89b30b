"""Review findings: `fieldrep-server` with a bad database URL or bad numbers answers with
one line, not a traceback (run in-process through `main()`)."""

from __future__ import annotations

import pytest

from sync_server.cli import main


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url", "not a database URL"),
        ("mysql://admin:s3cret-pw@db.example.org/fieldrep", "no driver"),
        ("nosuchdb://admin:s3cret-pw@h/x", "not a database URL"),
    ],
)
def test_a_bad_database_url_is_one_line_without_the_password(
    url: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", url, "init-db"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert words in err and "s3cret-pw" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [["serve", "--port", "99999"], ["serve", "--port", "-1"], ["prune", "--retention-days", "-5"]],
)
def test_out_of_range_numbers_are_refused_by_the_argument_parser(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--database-url", "sqlite://", *argv])
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err
