"""Every user-facing string of the code has a French translation (crm_portal/locale/fr.po)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "crm_portal"
PO = APP / "locale" / "fr.po"
# JS: __("...") / __('...') / __(`...`) with a literal first argument
JS_CALL = re.compile(r"""\b__\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|`([^`$\\]*)`)""")


def po_entries() -> dict[str, str]:
	"""msgid -> msgstr, with multi-line strings joined."""
	entries, key, current = {}, None, {"msgid": "", "msgstr": ""}
	for line in PO.read_text(encoding="utf-8").splitlines():
		line = line.strip()
		for keyword in ("msgid", "msgstr"):
			if line.startswith(keyword + " "):
				if keyword == "msgid" and current["msgid"]:
					entries[current["msgid"]] = current["msgstr"]
					current = {"msgid": "", "msgstr": ""}
				key = keyword
				line = line[len(keyword) + 1 :]
		if line.startswith('"') and key:
			current[key] += ast.literal_eval(line)
	if current["msgid"]:
		entries[current["msgid"]] = current["msgstr"]
	return entries


def python_strings() -> set[str]:
	found = set()
	for path in APP.rglob("*.py"):
		if path.name.startswith("test_") or "tests" in path.parts or "benchmarks" in path.parts:
			continue
		for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
			if (
				isinstance(node, ast.Call)
				and isinstance(node.func, ast.Name)
				and node.func.id == "_"
				and node.args
				and isinstance(node.args[0], ast.Constant)
				and isinstance(node.args[0].value, str)
			):
				found.add(node.args[0].value)
	return found


def js_strings() -> set[str]:
	found = set()
	for path in [*APP.rglob("*.js"), *APP.rglob("*.mjs")]:
		if "node_modules" in path.parts or "dist" in path.parts:
			continue
		for match in JS_CALL.finditer(path.read_text(encoding="utf-8")):
			double, single, backtick = match.groups()
			text = double if double is not None else single if single is not None else backtick
			found.add(
				text.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
				if "\\" in text
				else text
			)
	return found


def test_po_has_no_duplicate_or_empty_translation():
	entries = po_entries()
	assert entries, "no entries in fr.po"
	empty = sorted(k for k, v in entries.items() if not v.strip())
	assert not empty, f"untranslated: {empty[:20]}"


def needs_translation(text: str) -> bool:
	return any(c.isalpha() for c in re.sub(r"\{\d*\}", "", text))  # "{0} {1}" has nothing to translate


def test_python_strings_are_translated():
	missing = sorted(s for s in python_strings() - set(po_entries()) if needs_translation(s))
	assert not missing, f"{len(missing)} Python strings without a French translation: {missing[:30]}"


def test_js_strings_are_translated():
	missing = sorted(s for s in js_strings() - set(po_entries()) if needs_translation(s))
	assert not missing, f"{len(missing)} JS strings without a French translation: {missing[:30]}"
