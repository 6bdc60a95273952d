import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Pure modules of the app are importable without Frappe (they never import it).
sys.path.insert(0, str(ROOT))
