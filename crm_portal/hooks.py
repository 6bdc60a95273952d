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
	"CRM Opportunity": "crm_portal.permissions.query_conditions",
	"CRM Action": "crm_portal.permissions.query_conditions",
	"CRM Prospect": "crm_portal.permissions.query_conditions",
}
has_permission = {
	"CRM Opportunity": "crm_portal.permissions.has_permission",
	"CRM Action": "crm_portal.permissions.has_permission",
	"CRM Prospect": "crm_portal.permissions.has_permission",
}

# Desk form and list scripts added to other DocTypes (leads, opportunity extras, account prints)
# ---------------------------------------------------------------------------------------------
# The activity timeline (public/js/timeline/activity_timeline.js) is added to the four forms it serves.
doctype_js = {
	"Lead": "public/js/lead.js",
	"CRM Opportunity": ["public/js/opportunity_extras.js", "public/js/timeline/activity_timeline.js"],
	"CRM Prospect": ["public/js/account_sheet.js", "public/js/timeline/activity_timeline.js"],
	"Customer": ["public/js/account_sheet.js", "public/js/timeline/activity_timeline.js"],
	"Contact": "public/js/timeline/activity_timeline.js",
}
doctype_list_js = {"Lead": "public/js/lead_list.js"}

# Print formats: account sheet and envelope (crm_portal/templates/print/)
jinja = {
	"methods": [
		"crm_portal.api.printing.crm_account_sheet",
		"crm_portal.api.printing.crm_account_address",
	]
}

# Website portal for CRM Portal Users (crm_portal/www/crm/)
# --------------------------------------------------------
portal_menu_items = [
	{"title": "CRM", "route": "/crm", "role": "CRM Portal User"},
	{"title": "Board", "route": "/crm/board", "role": "CRM Portal User"},
	{"title": "My opportunities", "route": "/crm/opportunities", "role": "CRM Portal User"},
	{"title": "My actions", "route": "/crm/actions", "role": "CRM Portal User"},
]
website_route_rules = [
	{"from_route": "/crm/opportunity/<name>", "to_route": "crm/opportunity"},
]
role_home_page = {"CRM Portal User": "crm"}

# Installation
# ------------
after_install = "crm_portal.setup.install.after_install"
after_migrate = "crm_portal.setup.install.after_migrate"

# Fixtures: every Custom Field of the app carries module "CRM Portal" (crm_portal/fixtures/custom_field.json)
# -------------------------------------------------------------------------------------------------
fixtures = [
	{"dt": "Custom Field", "filters": [["module", "=", "CRM Portal"]]},
]

# Document events
# ---------------
doc_events = {
	"Contact": {"validate": "crm_portal.accounts.contacts.validate_unique_email_per_account"},
	"Lead": {"validate": "crm_portal.leads.hooks.validate_lead"},
	"CRM Portal Settings": {"on_update": "crm_portal.api.catalogs.sync_catalog_menu"},
	"Customer": {"validate": "crm_portal.accounts.hooks.validate_customer"},
	# The opportunity follows its Quotation and Sales Order (crm_portal/pipeline/quotation.py).
	"Quotation": {
		"validate": "crm_portal.pipeline.quotation.set_approval_flag",
		"after_insert": "crm_portal.pipeline.quotation.on_quotation_insert",
		"on_update_after_submit": "crm_portal.pipeline.quotation.on_quotation_update_after_submit",
		"on_cancel": "crm_portal.pipeline.quotation.on_quotation_cancel",
		"on_trash": "crm_portal.pipeline.quotation.on_quotation_trash",
	},
	"CRM Prospect": {"on_update": "crm_portal.pipeline.quotation.on_crm_prospect_update"},
	# Open boards update live (crm_portal/api/board.py).
	"CRM Opportunity": {
		"on_update": "crm_portal.api.board.publish_board_update",
		"on_trash": "crm_portal.api.board.publish_board_update",
	},
	"Sales Order": {
		"validate": "crm_portal.pipeline.quotation.carry_presales_project",
		"on_submit": "crm_portal.pipeline.quotation.on_sales_order_submit",
		"on_cancel": "crm_portal.pipeline.quotation.on_sales_order_cancel",
	},
}

# Scheduled jobs
# --------------
scheduler_events = {
	"daily": ["crm_portal.api.actions.send_late_actions_digest"],
	"cron": {"*/5 * * * *": ["crm_portal.api.actions.send_meeting_reminders"]},
}
