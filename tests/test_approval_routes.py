from crm_portal.pipeline.approval_routes import Route, pick_route

DEFAULT = Route(None, None, approver="default@example.com")
ROUTES = [
	Route("Conseil", None, approver="bu.conseil@example.com"),
	Route(None, "ESC", approver="dh@example.com"),
	Route("Conseil", "ESC", approver="conseil.esc@example.com"),
	Route(None, "Expert Conseil", approver_role="Responsable offre"),
]


def test_bu_and_filiere_beats_filiere_and_bu():
	assert pick_route(ROUTES, "Conseil", "ESC", DEFAULT).approver == "conseil.esc@example.com"


def test_filiere_beats_bu():
	assert pick_route(ROUTES, "Audit", "ESC", DEFAULT).approver == "dh@example.com"
	routes = [
		Route("Audit", None, approver="bu.audit@example.com"),
		Route(None, "ESC", approver="dh@example.com"),
	]
	assert pick_route(routes, "Audit", "ESC", DEFAULT).approver == "dh@example.com"


def test_bu_alone():
	assert pick_route(ROUTES, "Conseil", "Santé", DEFAULT).approver == "bu.conseil@example.com"


def test_role_route():
	route = pick_route(ROUTES, None, "Expert Conseil", DEFAULT)
	assert route.approver is None and route.approver_role == "Responsable offre"


def test_matching_ignores_case_and_spaces():
	assert pick_route(ROUTES, " conseil ", "esc", DEFAULT).approver == "conseil.esc@example.com"


def test_no_match_falls_back_to_the_default_then_to_nobody():
	assert pick_route(ROUTES, "Audit", "Santé", DEFAULT) is DEFAULT
	assert pick_route(ROUTES, None, None, None) is None
	assert pick_route([], "Conseil", "ESC", Route(None, None)) is None


def test_a_route_without_approver_or_without_criteria_is_ignored():
	routes = [Route("Conseil", "ESC"), Route(None, None, approver="everyone@example.com")]
	assert pick_route(routes, "Conseil", "ESC", DEFAULT) is DEFAULT


def test_first_listed_wins_among_equals():
	routes = [
		Route(None, "ESC", approver="first@example.com"),
		Route(None, "ESC", approver="second@example.com"),
	]
	assert pick_route(routes, None, "ESC", None).approver == "first@example.com"
