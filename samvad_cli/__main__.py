"""``python -m samvad_cli`` is the same as ``samvad``."""

import sys

from samvad_cli.main import main

sys.exit(main())
