"python -m tools.demogen: the same as tools/demo.py"
import sys

from .cli import main

sys.exit(main())
