"""Static checks of the app's files, with no Frappe import: JSON, DocType links, hook paths, JS syntax."""

import ast
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "crm_portal"
MODULES = {line.strip() for line in (APP / "modules.txt").read_text().splitlines() if line.strip()}
KNOWN_EXTERNAL = {
	line.strip()
	for line in (ROOT / "tests" / "known_doctypes.txt").read_text().splitlines()
	if line.strip() and not line.startswith("#")
}
LINK_TYPES = {"Link", "Table", "Table MultiSelect"}
# Records that Frappe syncs from the module folder and that carry a `module` key.
MODULE_RECORD_DIRS = {
	"doctype",
	"page",
	"workspace",
	"report",
	"number_card",
	"dashboard_chart",
	"dashboard_chart_source",
	"print_format",
}

JSON_FILES = sorted(p for p in APP.rglob("*.json") if "node_modules" not in p.parts and "dist" not in p.parts)
DOCTYPE_FILES = [p for p in JSON_FILES if p.parent.parent.name == "doctype" and p.stem == p.parent.name]


def load(path: Path):
	return json.loads(path.read_text(encoding="utf-8"))


def app_doctypes() -> set[str]:
	return {load(p)["name"] for p in DOCTYPE_FILES}


def test_there_is_something_to_check():
	assert (APP / "hooks.py").exists()
	assert JSON_FILES, "no JSON found: the globs above are wrong"


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_json_parses(path):
	load(path)


@pytest.mark.parametrize(
	"path",
	[p for p in JSON_FILES if p.parent.parent.name in MODULE_RECORD_DIRS and p.stem == p.parent.name],
	ids=lambda p: str(p.relative_to(ROOT)),
)
def test_record_module_is_declared(path):
	module = load(path).get("module")
	assert module in MODULES, f"{path.name}: module {module!r} is not in modules.txt"


@pytest.mark.parametrize("path", DOCTYPE_FILES, ids=lambda p: p.parent.name)
def test_doctype_fields(path):
	doc = load(path)
	assert doc["doctype"] == "DocType"
	assert frappe_scrub(doc["name"]) == path.parent.name, "folder name must be the scrubbed DocType name"
	fieldnames = [f["fieldname"] for f in doc.get("fields", [])]
	duplicates = {f for f in fieldnames if fieldnames.count(f) > 1}
	assert not duplicates, f"duplicate fieldnames: {duplicates}"
	assert set(doc.get("field_order", fieldnames)) == set(fieldnames), "field_order and fields disagree"
	known = app_doctypes() | KNOWN_EXTERNAL
	for field in doc.get("fields", []):
		if field["fieldtype"] in LINK_TYPES:
			assert (
				field.get("options") in known
			), f"{field['fieldname']}: unknown DocType {field.get('options')!r}"
		if field["fieldtype"] == "Dynamic Link":
			assert field.get("options") in fieldnames, f"{field['fieldname']}: options must name a field"


def frappe_scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


def hook_paths(node: ast.AST):
	"""Every string in hooks.py that names something inside the app (dotted path)."""
	for sub in ast.walk(node):
		if (
			isinstance(sub, ast.Constant)
			and isinstance(sub.value, str)
			and sub.value.startswith("crm_portal.")
		):
			yield sub.value


HOOK_PATHS = sorted(set(hook_paths(ast.parse((APP / "hooks.py").read_text()))))


def test_hooks_name_paths():
	assert "crm_portal.tests.utils.before_tests" in HOOK_PATHS


@pytest.mark.parametrize("dotted", HOOK_PATHS)
def test_hook_path_resolves(dotted):
	module, _, attr = dotted.rpartition(".")
	file = ROOT / Path(*module.split("."))
	source = file.with_suffix(".py") if file.with_suffix(".py").exists() else file / "__init__.py"
	assert source.exists(), f"{dotted}: no module {module}"
	tree = ast.parse(source.read_text())
	names = {
		n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
	} | {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
	assert attr in names, f"{dotted}: {module} defines no {attr}"


WHITELISTING_MODULES = sorted(
	p
	for p in APP.rglob("*.py")
	if "frappe.whitelist" in p.read_text(encoding="utf-8") and "test_" not in p.name
)


@pytest.mark.parametrize("path", WHITELISTING_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_whitelisted_modules_keep_real_annotations(path):
	"""Frappe validates a whitelisted function's arguments against its type hints, but skips hints that are
	strings: `from __future__ import annotations` would silently turn that validation off."""
	tree = ast.parse(path.read_text(encoding="utf-8"))
	future = [
		alias.name
		for node in tree.body
		if isinstance(node, ast.ImportFrom) and node.module == "__future__"
		for alias in node.names
	]
	assert "annotations" not in future


JS_FILES = sorted(
	p for p in APP.rglob("*.js") if "node_modules" not in p.parts and "dist" not in p.parts
) + sorted(APP.rglob("*.mjs"))


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
@pytest.mark.parametrize("path", JS_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_js_parses(path, tmp_path):
	source = path.read_text()
	if path.suffix == ".js" and any(line.startswith(("import ", "export ")) for line in source.splitlines()):
		# ES module syntax in a .js bundle: check it as a module.
		copy = tmp_path / (path.stem + ".mjs")
		copy.write_text(source)
		path = copy
	result = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
	assert result.returncode == 0, result.stderr


def bench_apps_dir() -> Path | None:
	bench = os.environ.get("CRM_PORTAL_BENCH")
	candidates = (
		[Path(bench)] if bench else [Path.home() / "crm-portal-bench", Path("/home/frappe/crm-portal-bench")]
	)
	for candidate in candidates:
		try:
			if (candidate / "apps" / "erpnext").is_dir():
				return candidate / "apps"
		except PermissionError:
			continue
	return None


@pytest.mark.skipif(bench_apps_dir() is None, reason="no bench to compare the known DocTypes with")
def test_known_external_doctypes_exist_in_bench():
	apps = bench_apps_dir()
	found = set()
	for app in ("frappe", "erpnext"):
		for path in (apps / app / app).rglob("doctype/*/*.json"):
			if path.stem == path.parent.name:
				found.add(frappe_scrub(path.stem))
	missing = {name for name in KNOWN_EXTERNAL if frappe_scrub(name) not in found}
	assert not missing, f"not DocTypes of Frappe/ERPNext: {missing}"
