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
	"CRM Stage Change": "crm_portal.permissions.query_conditions",
	"CRM Board Figures": "crm_portal.permissions.query_conditions",
	# ERPNext records the CRM makes, while CRM Portal Settings say so (crm_portal/erpnext_walls.py).
	"Quotation": "crm_portal.erpnext_walls.query_conditions",
	"Prospect": "crm_portal.erpnext_walls.query_conditions",
	"Lead": "crm_portal.erpnext_walls.query_conditions",
	"Sales Order": "crm_portal.erpnext_walls.query_conditions",
	"Project": "crm_portal.erpnext_walls.query_conditions",
	"Contact": "crm_portal.erpnext_walls.query_conditions",
	"Address": "crm_portal.erpnext_walls.query_conditions",
	# Child rows read through `?parent=`: only those of readable parents (crm_portal/generic_endpoints.py).
	"CRM Opportunity Contact": "crm_portal.generic_endpoints.child_query_conditions",
	"CRM Estimate Line": "crm_portal.generic_endpoints.child_query_conditions",
	"CRM Account Link": "crm_portal.generic_endpoints.child_query_conditions",
	"CRM Stage Required Field": "crm_portal.generic_endpoints.child_query_conditions",
	"Contact Email": "crm_portal.generic_endpoints.child_query_conditions",
	"Contact Phone": "crm_portal.generic_endpoints.child_query_conditions",
	"Dynamic Link": "crm_portal.generic_endpoints.child_query_conditions",
	"Event Participants": "crm_portal.generic_endpoints.child_query_conditions",
	"Quotation Item": "crm_portal.generic_endpoints.child_query_conditions",
	"Sales Order Item": "crm_portal.generic_endpoints.child_query_conditions",
	"Sales Taxes and Charges": "crm_portal.generic_endpoints.child_query_conditions",
	"Payment Schedule": "crm_portal.generic_endpoints.child_query_conditions",
	"Packed Item": "crm_portal.generic_endpoints.child_query_conditions",
	"Pricing Rule Detail": "crm_portal.generic_endpoints.child_query_conditions",
	"Quotation Lost Reason Detail": "crm_portal.generic_endpoints.child_query_conditions",
	"Competitor Detail": "crm_portal.generic_endpoints.child_query_conditions",
	"Prospect Lead": "crm_portal.generic_endpoints.child_query_conditions",
	"Prospect Opportunity": "crm_portal.generic_endpoints.child_query_conditions",
	"CRM Note": "crm_portal.generic_endpoints.child_query_conditions",
	# Files attached to walled records: only to whoever may read the record (crm_portal/generic_endpoints.py).
	"File": "crm_portal.generic_endpoints.file_query_conditions",
}
# The same child rows read by their own name (`/api/resource/<child>/<row>`, frappe.client.get, print):
# only by a reader of their parent record; Frappe judges them on the parent DocType (crm_portal/child_rows.py).
override_doctype_class = {
	"CRM Opportunity Contact": "crm_portal.child_rows.CRMOpportunityContact",
	"CRM Estimate Line": "crm_portal.child_rows.CRMEstimateLine",
	"CRM Account Link": "crm_portal.child_rows.CRMAccountLink",
	"Contact Email": "crm_portal.child_rows.ContactEmail",
	"Contact Phone": "crm_portal.child_rows.ContactPhone",
	"Dynamic Link": "crm_portal.child_rows.DynamicLink",
	"Event Participants": "crm_portal.child_rows.EventParticipants",
	"Quotation Item": "crm_portal.child_rows.QuotationItem",
	"Sales Order Item": "crm_portal.child_rows.SalesOrderItem",
	# A file uploaded to a walled record is private (a public one is listed to every desk user).
	"File": "crm_portal.generic_endpoints.AttachmentFile",
	"Sales Taxes and Charges": "crm_portal.child_rows.SalesTaxesandCharges",
	"Payment Schedule": "crm_portal.child_rows.PaymentSchedule",
	"Packed Item": "crm_portal.child_rows.PackedItem",
	"Pricing Rule Detail": "crm_portal.child_rows.PricingRuleDetail",
	"Quotation Lost Reason Detail": "crm_portal.child_rows.QuotationLostReasonDetail",
	"Competitor Detail": "crm_portal.child_rows.CompetitorDetail",
	"Prospect Lead": "crm_portal.child_rows.ProspectLead",
	"Prospect Opportunity": "crm_portal.child_rows.ProspectOpportunity",
	"CRM Note": "crm_portal.child_rows.CRMNote",
}
has_permission = {
	"CRM Opportunity": "crm_portal.permissions.has_permission",
	"CRM Action": "crm_portal.permissions.has_permission",
	"CRM Prospect": "crm_portal.permissions.has_permission",
	"CRM Stage Change": "crm_portal.permissions.has_permission",
	"CRM Board Figures": "crm_portal.permissions.has_permission",
	"Quotation": "crm_portal.erpnext_walls.has_permission",
	"Prospect": "crm_portal.erpnext_walls.has_permission",
	"Lead": "crm_portal.erpnext_walls.has_permission",
	"Sales Order": "crm_portal.erpnext_walls.has_permission",
	"Project": "crm_portal.erpnext_walls.has_permission",
	"Contact": "crm_portal.erpnext_walls.has_permission",
	"Address": "crm_portal.erpnext_walls.has_permission",
	# Following mails a record's changes: only a reader of a walled record follows it (generic_endpoints.py).
	"Document Follow": "crm_portal.generic_endpoints.document_follow_permission",
}
# Print views fall back on the website permission: ERPNext's lets any Sales User print any customer's quotation.
has_website_permission = {
	"Quotation": "crm_portal.erpnext_walls.has_website_permission",
	"Sales Order": "crm_portal.erpnext_walls.has_website_permission",
}
# Frappe's generic methods that skip those rules, made to apply them (crm_portal/generic_endpoints.py).
override_whitelisted_methods = {
	"frappe.client.get_count": "crm_portal.generic_endpoints.get_count",
	"frappe.desk.search.search_link": "crm_portal.generic_endpoints.search_link",
	"frappe.desk.search.search_widget": "crm_portal.generic_endpoints.search_widget",
	"frappe.desk.search.get_link_title": "crm_portal.generic_endpoints.get_link_title",
	"frappe.desk.listview.get_group_by_count": "crm_portal.generic_endpoints.get_group_by_count",
	"frappe.desk.like.toggle_like": "crm_portal.generic_endpoints.toggle_like",
	"frappe.desk.form.assign_to.add": "crm_portal.generic_endpoints.add_assignment",
	"frappe.desk.form.assign_to.add_multiple": "crm_portal.generic_endpoints.add_multiple_assignments",
	"frappe.desk.form.assign_to.remove": "crm_portal.generic_endpoints.remove_assignment",
	"frappe.desk.form.assign_to.remove_multiple": "crm_portal.generic_endpoints.remove_multiple_assignments",
	"frappe.desk.doctype.tag.tag.add_tag": "crm_portal.generic_endpoints.add_tag",
	"frappe.desk.doctype.tag.tag.add_tags": "crm_portal.generic_endpoints.add_tags",
	"frappe.desk.doctype.tag.tag.remove_tag": "crm_portal.generic_endpoints.remove_tag",
	"frappe.desk.doctype.tag.tag.get_tagged_docs": "crm_portal.generic_endpoints.get_tagged_docs",
	"frappe.desk.doctype.event.event.get_events": "crm_portal.generic_endpoints.get_events",
	"frappe.desk.notifications.get_open_count": "crm_portal.generic_endpoints.get_open_count",
}

# Names kept as typed are formatted as text in the desk's list and report views (crm_portal/names.py).
app_include_js = ["/assets/crm_portal/js/names_format.js", "/assets/crm_portal/js/reports.js"]

# Desk form and list scripts added to other DocTypes (leads, opportunity extras, account prints)
# ---------------------------------------------------------------------------------------------
# The activity timeline (public/js/timeline/activity_timeline.js) is added to the four forms it serves.
doctype_js = {
	"Lead": "public/js/lead.js",
	"CRM Opportunity": [
		"public/js/opportunity_extras.js",
		"public/js/timeline/activity_timeline.js",
		"public/js/names_as_typed.js",
	],
	"CRM Prospect": [
		"public/js/account_sheet.js",
		"public/js/timeline/activity_timeline.js",
		"public/js/names_as_typed.js",
	],
	"Customer": ["public/js/account_sheet.js", "public/js/timeline/activity_timeline.js"],
	"Contact": "public/js/timeline/activity_timeline.js",
	"CRM Action": "public/js/names_as_typed.js",
	# Approval state and "Envoyer la lettre de mission" (crm_portal/pipeline/mission_letter.py).
	"Quotation": "public/js/quotation.js",
}
doctype_list_js = {"Lead": "public/js/lead_list.js", "Quotation": "public/js/quotation_list.js"}

# Print formats: account sheet and envelope (crm_portal/templates/print/)
jinja = {
	"methods": [
		"crm_portal.api.printing.crm_account_sheet",
		"crm_portal.api.printing.crm_account_address",
		# The mission letter of a Quotation (crm_portal/pipeline/mission_letter.py).
		"crm_portal.pipeline.mission_letter.crm_mission_letter",
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
# The quotation approval Workflow is created once, then the admins' (crm_portal/pipeline/approval.py).
after_install = ["crm_portal.setup.install.after_install", "crm_portal.pipeline.approval.install_workflow"]
after_migrate = ["crm_portal.setup.install.after_migrate", "crm_portal.pipeline.approval.install_workflow"]

# Fixtures: every Custom Field of the app carries module "CRM Portal" (crm_portal/fixtures/custom_field.json)
# -------------------------------------------------------------------------------------------------
fixtures = [
	{"dt": "Custom Field", "filters": [["module", "=", "CRM Portal"]]},
	# The states and actions of the quotation approval Workflow (the Workflow itself is created once by
	# crm_portal.pipeline.approval.install_workflow: fixtures are re-imported on every migrate, which would
	# undo an admin's edits).
	{
		"dt": "Workflow State",
		"filters": [["name", "in", ["Brouillon", "À valider", "Validée", "Refusée"]]],
	},
	{
		"dt": "Workflow Action Master",
		"filters": [["name", "in", ["Valider", "Demander l'approbation", "Approuver", "Refuser", "Réviser"]]],
	},
]

# Document events
# ---------------
doc_events = {
	# Every value written to these documents fits its column and is a real date (crm_portal/arguments),
	# checked before the controllers read it, whatever the path: form, REST, import, the app's API.
	# What a write may put in the app's records (crm_portal/write_rules.py): system fields kept, links only
	# to readable records (before_validate), person fields within the writer's team (validate).
	"CRM Action": {
		"before_validate": [
			"crm_portal.arguments.checks.validate_document_values",
			"crm_portal.write_rules.before_validate",
		],
		# A name made of markup only is a name (crm_portal/names.py).
		"validate": ["crm_portal.write_rules.validate", "crm_portal.names.validate_names"],
		# The opportunity's last done action, for the at-risk rule (crm_portal/forecast/log.py).
		"on_update": "crm_portal.forecast.log.refresh_last_action",
		"after_delete": "crm_portal.forecast.log.refresh_last_action",
	},
	# A contact's or address's Dynamic Links only to accounts the user can read (crm_portal/write_rules.py).
	"Contact": {
		"before_validate": [
			"crm_portal.arguments.checks.validate_document_values",
			"crm_portal.write_rules.check_dynamic_links",
		],
		"validate": "crm_portal.accounts.contacts.validate_unique_email_per_account",
	},
	"Address": {"before_validate": "crm_portal.write_rules.check_dynamic_links"},
	"Lead": {"validate": "crm_portal.leads.hooks.validate_lead"},
	"CRM Portal Settings": {"on_update": "crm_portal.api.catalogs.sync_catalog_menu"},
	# A field a stage requires of the account cannot be emptied while an open opportunity is in that stage.
	"Customer": {
		"before_validate": "crm_portal.arguments.checks.validate_document_values",
		"validate": [
			"crm_portal.accounts.hooks.validate_customer",
			"crm_portal.crm_portal.doctype.crm_opportunity.crm_opportunity.validate_account_requirements",
		],
	},
	# The opportunity follows its Quotation and Sales Order (crm_portal/pipeline/quotation.py).
	# The approval circuit on Frappe's Workflow (crm_portal/pipeline/approval.py): system fields kept, each
	# state change a transition open to the user, the request assigned, the answer notified.
	"Quotation": {
		"before_validate": "crm_portal.pipeline.approval.before_validate_quotation",
		"validate": [
			"crm_portal.pipeline.quotation.set_approval_flag",
			"crm_portal.pipeline.approval.validate_quotation",
		],
		"on_update": "crm_portal.pipeline.approval.on_quotation_update",
		"after_insert": "crm_portal.pipeline.quotation.on_quotation_insert",
		"on_update_after_submit": "crm_portal.pipeline.quotation.on_quotation_update_after_submit",
		"on_cancel": "crm_portal.pipeline.quotation.on_quotation_cancel",
		"on_trash": "crm_portal.pipeline.quotation.on_quotation_trash",
	},
	"CRM Prospect": {
		"before_validate": [
			"crm_portal.arguments.checks.validate_document_values",
			"crm_portal.write_rules.before_validate",
		],
		"validate": [
			"crm_portal.crm_portal.doctype.crm_opportunity.crm_opportunity.validate_account_requirements",
			"crm_portal.write_rules.validate",
			"crm_portal.names.validate_names",
		],
		"on_update": "crm_portal.pipeline.quotation.on_crm_prospect_update",
	},
	# Open boards update live (crm_portal/api/board.py).
	"CRM Opportunity": {
		"before_validate": [
			"crm_portal.arguments.checks.validate_document_values",
			"crm_portal.write_rules.before_validate",
		],
		"validate": ["crm_portal.write_rules.validate", "crm_portal.names.validate_names"],
		# Every move is logged in the same transaction (crm_portal/forecast/log.py).
		"before_save": "crm_portal.forecast.log.set_stage_since",
		"on_update": [
			"crm_portal.api.board.publish_board_update",
			"crm_portal.forecast.log.on_opportunity_update",
			"crm_portal.pipeline.board_figures.sync",
		],
		# The board's summary rows follow every change, db_set included (crm_portal/pipeline/board_figures.py).
		"on_change": "crm_portal.pipeline.board_figures.sync",
		"on_trash": [
			"crm_portal.api.board.publish_board_update",
			"crm_portal.forecast.log.on_opportunity_trash",
			"crm_portal.pipeline.board_figures.sync",
		],
	},
	# An e-mail on an opportunity's Quotation leaves once it is "Validée" and shows on the opportunity and its
	# account (crm_portal/pipeline/mission_letter.py).
	"Communication": {
		"before_insert": "crm_portal.pipeline.mission_letter.before_communication_insert",
		"validate": "crm_portal.pipeline.mission_letter.add_timeline_links",
	},
	"Sales Order": {
		# Made only from a "Validée" quotation (crm_portal/pipeline/approval.py ensure_validated).
		"validate": [
			"crm_portal.pipeline.quotation.carry_presales_project",
			"crm_portal.pipeline.approval.on_sales_order_validate",
		],
		"on_submit": "crm_portal.pipeline.quotation.on_sales_order_submit",
		"on_cancel": "crm_portal.pipeline.quotation.on_sales_order_cancel",
	},
}

# Scheduled jobs
# --------------
scheduler_events = {
	"daily": ["crm_portal.api.actions.send_late_actions_digest"],
	# The board's summary rows compared with a recount, repaired and logged if they differ.
	"weekly": ["crm_portal.pipeline.board_figures.check"],
	"cron": {"*/5 * * * *": ["crm_portal.api.actions.send_meeting_reminders"]},
}
