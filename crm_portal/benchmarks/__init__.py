"""`make bench` (personas.py, data.py, report.py) and `make loadtest` (loadtest.py, locustfile.py,
reconcile.py). report.py, reconcile.py and locustfile.py import no frappe: they run outside the bench."""
