"""A pre-imported `fieldrep` that forks one real CLI process per request.

Starting Python and importing the app takes over a second; the fault tests kill the
client fifty times, so they fork each `fieldrep ...` run from this warm process
instead. Each child runs the real CLI `main(argv)` with its stdout/stderr in a file, and
the test SIGKILLs it by pid. Requests and answers are JSON lines on stdin/stdout.
"""

from __future__ import annotations

import json
import os
import sys

from fieldrep.cli.main import main as cli_main  # import everything once, before forking


def _serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        if "argv" in request:
            pid = os.fork()
            if pid == 0:
                fd = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                try:
                    code = cli_main(request["argv"])
                except BaseException:  # noqa: BLE001 - report any failure as an exit code
                    code = 99
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
            answer: dict[str, int | None] = {"pid": pid}
        else:
            _pid, status = os.waitpid(request["reap"], 0)
            answer = {
                "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            }
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    _serve()
