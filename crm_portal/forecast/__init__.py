"""Forecast and pipeline analytics from the stage-change log (issue 18).

Plain maths (no frappe): stats.py (conversion and velocity), simulation.py (signature forecast),
risk.py (deals at risk), history.py (rebuilding the log from Versions). Frappe side: log.py (the hooks
that write the log), queries.py (reads behind crm_portal/api/forecast.py)."""
