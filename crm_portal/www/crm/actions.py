"""/crm/actions: a portal user's actions by bucket (late, today, this week, ...), quick creation and
completion (the desk actions feed, scope "me")."""

from frappe import _
from frappe.utils import cint

from crm_portal import portal
from crm_portal.api import actions

no_cache = 1

BUCKET_LABELS = {
	"late": "Late",
	"today": "Today",
	"this_week": "This week",
	"next_week": "Next week",
	"later": "Future weeks",
	"all": "All",
}


def get_context(context):
	portal.prepare(context, _("My actions"))
	bucket = portal.arg("bucket", "all")
	if bucket not in BUCKET_LABELS:
		bucket = "all"
	context.include_done = bool(cint(portal.arg("done", "0")))
	feed = actions.get_actions(scope="me", bucket=bucket, include_done=context.include_done, page_length=100)
	context.bucket = bucket
	context.buckets = [(key, _(label)) for key, label in BUCKET_LABELS.items()]
	context.counts = feed["counts"]
	context.actions = feed["actions"]
	context.has_more = feed["has_more"]
	context.action_types = portal.action_types()
	context.now = portal.now_local()
