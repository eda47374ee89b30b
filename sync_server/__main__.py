"""`python -m sync_server`: the same as the `fieldrep-server` command."""

import sys

from sync_server.cli import main

sys.exit(main())
