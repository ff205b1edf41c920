import sys

from bench.seed import main

sys.exit(main())
