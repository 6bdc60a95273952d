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

# Permissions
# -----------
permission_query_conditions = {
	"CRM Opportunity": "crm_portal.permissions.opportunity_query_conditions",
}
has_permission = {
	"CRM Opportunity": "crm_portal.permissions.opportunity_has_permission",
}

# Installation
# ------------
after_install = "crm_portal.setup.install.after_install"
after_migrate = "crm_portal.setup.install.after_migrate"
