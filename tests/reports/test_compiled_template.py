"""rapport.html.j2 compiled ahead of time (issue 15): current, used, and rendering the same."""

from __future__ import annotations

import importlib

import pytest

from telefonspor.reports import html

from .builders import build_context, build_result


def test_the_compiled_template_is_current() -> None:
    """Fails after an edit of rapport.html.j2 (or a Jinja upgrade): run
    ``python scripts/compile_templates.py`` and commit the module it writes."""
    module = importlib.import_module(html.COMPILED_MODULE)
    assert module.__file__ is not None
    with open(module.__file__, encoding="utf-8") as handle:
        shipped = handle.read()
    assert shipped == html.compiled_module_text()


def test_reports_use_the_compiled_template() -> None:
    module = importlib.import_module(html.COMPILED_MODULE)
    assert html._template().root_render_func is module.root


@pytest.mark.parametrize("with_context", [True, False])
def test_the_compiled_template_renders_what_jinja_compiles(with_context: bool) -> None:
    result = build_result(40)
    context = build_context(result) if with_context else None
    fresh = html._environment().get_template("rapport.html.j2")  # parsed and compiled now
    assert fresh.root_render_func is not html._template().root_render_func
    page = html._page(result, context)
    page["data"] = html.embed_json(page["data"])
    assert html.render_html(result, context) == fresh.render(**page)


def test_a_stale_compiled_template_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module(html.COMPILED_MODULE)
    monkeypatch.setattr(module, "KEY", "another template")
    html._template.cache_clear()
    try:
        assert html._template().root_render_func is not module.root
        assert html._template().filename is not None
        assert html._template().filename.endswith("rapport.html.j2")
    finally:
        html._template.cache_clear()
