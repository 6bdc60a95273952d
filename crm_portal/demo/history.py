"""18 months of plausible history for the demo portfolio, so the forecast panel, the conversion figures
and the reports have something to show on the demo site.

About 14 deals a month are created over the last 18 months and walked through IDENTIFICATION →
QUALIFICATION / POSITIONNEMENT → PROPOSITION with realistic durations; about a third of them are won,
the others lost on the way; the recent ones are still open (some slipping: expected signature date
passed, no action for weeks, stuck in their stage). Each deal is saved once, in its final state, through
its controller (so the stage rules and derived figures apply), then given its past: creation date, the
`CRM Stage Change` rows of its moves with past `changed_on`, signed / lost dates, time in stage.

Deterministic (seeded) and idempotent: nothing is added when the history is already there."""

import math
import random
from datetime import datetime, time, timedelta

import frappe
from frappe.utils import add_months, get_datetime, getdate, now_datetime

from crm_portal.pipeline import board_figures

DOCTYPE = "CRM Opportunity"
STAGE_CHANGE = "CRM Stage Change"
MARKER = "Historique de démonstration"  # the description of every generated deal
SEED = 18
MONTHS = 18
DEALS_PER_MONTH = 14

# stage key → (stage name, share of deals that go on to the next step, median days spent there)
STEPS = [
	("IDENTIFICATION", 0.72, 12),
	("QUALIFICATION / POSITIONNEMENT", 0.66, 21),
	("PROPOSITION", 0.64, 28),
]
WON, LOST = "Gagnée", "Perdue"

ACCOUNTS = [
	"ABC Cie",
	"DEF Cie",
	"Garage Lemoine",
	"Mairie de Villeneuve",
	"Clinique des Tilleuls",
	"Ortec SA",
]
SUBJECTS = [
	("Comptabilité", "Tenue comptable"),
	("Comptabilité", "Révision des comptes"),
	("Social", "Paie externalisée"),
	("Social", "Audit social"),
	("Juridique", "Secrétariat juridique"),
	("Conseil en organisation", "Schéma directeur"),
	("Conseil en organisation", "Accompagnement ERP"),
]
BU = ["Conseil", "Audit", "Expertise comptable"]
FILIERES = ["Secteur public", "Industrie", "Services", "Santé"]
SOURCES = ["Recommandation", "Salon", "Site web", "Appel d'offres", "Autres"]


def history_exists(portfolio: str) -> bool:
	return bool(frappe.db.exists(DOCTYPE, {"portfolio": portfolio, "description": MARKER}))


def lognormal_days(rng: random.Random, median: float) -> float:
	return max(1.0, rng.lognormvariate(math.log(median), 0.55))


def plan_deals(now: datetime, rng: random.Random) -> list[dict]:
	"""Every deal's story: created when, the stages it went through and when, how it ended (or not)."""
	start = get_datetime(add_months(now, -MONTHS))
	span = (now - start).total_seconds() - 5 * 86400
	deals = []
	for index in range(MONTHS * DEALS_PER_MONTH):
		created = start + timedelta(seconds=rng.uniform(0, span))
		created = datetime.combine(created.date(), time(rng.randint(8, 18), rng.choice((0, 15, 30, 45))))
		moves = [(created, STEPS[0][0])]  # (when, stage entered)
		at, outcome = created, None
		for position, (_stage, go_on, median) in enumerate(STEPS):
			stay = lognormal_days(rng, median)
			# a deal that goes on moves after its stay; one that is lost usually drops a bit earlier
			ends = rng.random() < go_on
			leave = at + timedelta(days=stay if ends else stay * rng.uniform(0.4, 1.2))
			if leave > now:
				break  # still in this stage today
			at = leave
			if not ends:
				outcome = LOST
				moves.append((at, LOST))
				break
			next_stage = STEPS[position + 1][0] if position + 1 < len(STEPS) else WON
			moves.append((at, next_stage))
			if next_stage == WON:
				outcome = WON
		amount = round(rng.lognormvariate(math.log(14000), 0.6) / 500) * 500 or 500
		family, offer = rng.choice(SUBJECTS)
		deals.append(
			{
				"index": index + 1,
				"account": rng.choice(ACCOUNTS),
				"family": family,
				"offer": offer,
				"amount": amount,
				"days": max(1, round(amount / 850)),
				"moves": moves,
				"outcome": outcome,
				"cycle": rng.uniform(45, 110),  # days the salesperson expects to sign in, from creation
				"slip": rng.random(),
				"last_action_days": rng.choice((2, 5, 9, 14, 20, 45, 60)),
				"bu": rng.choice(BU),
				"filiere": rng.choice(FILIERES),
				"source": rng.choice(SOURCES),
				"reason": rng.random(),
			}
		)
	return deals


def load_history(portfolio: str, template: str, salesperson: str, lost_reasons: list[str]) -> int:
	"""Create the history of `portfolio` unless it exists; the number of deals created."""
	if history_exists(portfolio) or not frappe.db.exists("DocType", STAGE_CHANGE):
		return 0
	now = now_datetime().replace(microsecond=0)
	rng = random.Random(SEED)
	stage = lambda name: f"{template}-{name}"  # noqa: E731
	ensure_accounts()
	status_of = {STEPS[i][0]: "Open" for i in range(len(STEPS))} | {WON: "Won", LOST: "Lost"}
	created_count = 0
	for deal in plan_deals(now, rng):
		moves = deal["moves"]
		created, final = moves[0][0], moves[-1][1]
		reached = {name for _at, name in moves}
		expected = getdate(created + timedelta(days=deal["cycle"]))
		values = {
			"doctype": DOCTYPE,
			"title": f"{deal['offer']} {deal['index']:03d}",
			"portfolio": portfolio,
			"account_type": "Customer",
			"account": deal["account"],
			"salesperson": salesperson,
			"stage": stage(final),
			"amount": deal["amount"],
			"days": deal["days"],
			"description": MARKER,
			"expected_signature_date": expected,
		}
		if reached & {"QUALIFICATION / POSITIONNEMENT", "PROPOSITION", WON}:
			values.update(crm_bu=deal["bu"], crm_filiere=deal["filiere"], crm_source_type=deal["source"])
		if reached & {"PROPOSITION", WON}:
			values.update(
				crm_offer_family=deal["family"], crm_offer=deal["offer"], crm_engagement_manager=salesperson
			)
		ended = moves[-1][0]
		if final == WON:
			values["signed_on"] = getdate(ended)
			# most were expected a little earlier than they signed (the observed slip)
			values["expected_signature_date"] = getdate(ended - timedelta(days=deal["slip"] * 40))
		elif final == LOST:
			values["lost_on"] = getdate(ended)
			values["lost_reason"] = lost_reasons[int(deal["reason"] * len(lost_reasons))]
		doc = frappe.get_doc(values)
		doc.flags.ignore_version = True
		frappe.db.savepoint("crm_demo_history")
		try:
			doc.insert(ignore_permissions=True)
		except frappe.ValidationError as e:
			# an open deal at PROPOSITION makes its draft quotation, which needs ERPNext master data:
			# without it the deal is left out, the rest of the history stays usable
			frappe.db.rollback(save_point="crm_demo_history")
			print(f"demo history: {values['title']} left out: {e}")
			continue
		rewrite_past(doc, moves, status_of, stage, now, deal)
		created_count += 1
	return created_count


def ensure_accounts() -> None:
	for name in ACCOUNTS:
		if not frappe.db.exists("Customer", name):
			frappe.get_doc(
				{"doctype": "Customer", "customer_name": name, "customer_type": "Company"}
			).insert()


def rewrite_past(doc, moves: list, status_of: dict, stage, now: datetime, deal: dict) -> None:
	"""Give a deal saved today its past: the log of its moves, its creation and stage dates."""
	frappe.db.delete(STAGE_CHANGE, {"opportunity": doc.name})
	previous = None
	for at, name in moves:
		row = frappe.new_doc(STAGE_CHANGE)
		row.update(
			{
				"opportunity": doc.name,
				"portfolio": doc.portfolio,
				"stage_template": doc.stage_template,
				"salesperson": doc.salesperson,
				"from_stage": stage(previous) if previous else None,
				"to_stage": stage(name),
				"from_status": status_of[previous] if previous else None,
				"to_status": status_of[name],
				"currency": doc.currency,
				"amount": doc.amount,
				"days": doc.days,
				"user": doc.salesperson,
				"changed_on": at,
				"source": "Live",
			}
		)
		row.owner = doc.salesperson
		row.modified_by = doc.salesperson
		row.creation = row.modified = at
		row.db_insert()
		previous = name
	last_move = moves[-1][0]
	updates = {"creation": moves[0][0], "modified": last_move, "owner": doc.salesperson}
	if frappe.get_meta(DOCTYPE).has_field("stage_since"):
		updates["stage_since"] = last_move
	if doc.status == "Open" and frappe.get_meta(DOCTYPE).has_field("last_action_on"):
		updates["last_action_on"] = max(moves[0][0], now - timedelta(days=deal["last_action_days"]))
	# the owner moves the deal's row of the board's figures (crm_portal/pipeline/board_figures.py)
	with board_figures.changing(doc.name):
		frappe.db.set_value(DOCTYPE, doc.name, updates, update_modified=False)
