app_name = "crm_portal"
app_title = "CRM Portal"
app_publisher = "crm_portal developers"
app_description = "CRM portal for sales teams: portfolios, stages, opportunities, actions, accounts"
app_email = "dev@crm-portal.invalid"
app_license = "MIT"

# The org/app form keeps install-app from looking ERPNext up by name on a remote host.
required_apps = ["frappe/erpnext"]

# Testing
# -------
before_tests = "crm_portal.tests.utils.before_tests"
