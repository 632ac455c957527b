"""rapport.html.j2 compiled by Jinja: made by scripts/compile_templates.py; do not edit."""
# ruff: noqa
KEY = '2fee587b63263bf1ad9cc6e452611902ef933a54b313ec39b4290d9d8d4e74e2'
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'rapport.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_municipality = resolve('municipality')
    l_0_date = resolve('date')
    l_0_css = resolve('css')
    l_0_generated_at = resolve('generated_at')
    l_0_no_chain = resolve('no_chain')
    l_0_no_chain_title = resolve('no_chain_title')
    l_0_gains = resolve('gains')
    l_0_last = resolve('last')
    l_0_gap = resolve('gap')
    l_0_plural = resolve('plural')
    l_0_gain_bars = resolve('gain_bars')
    l_0_s = resolve('s')
    l_0_open_count = resolve('open_count')
    l_0_accepted = resolve('accepted')
    l_0_steps = resolve('steps')
    l_0_task_decision = resolve('task_decision')
    l_0_decision_text = resolve('decision_text')
    l_0_cause_bars = resolve('cause_bars')
    l_0_causes = resolve('causes')
    l_0_chain = resolve('chain')
    l_0_trend_points = resolve('trend_points')
    l_0_trend = resolve('trend')
    l_0_changes = resolve('changes')
    l_0_data = resolve('data')
    l_0_quality = resolve('quality')
    l_0_by_role = resolve('by_role')
    l_0_by_unit = resolve('by_unit')
    l_0_sources = resolve('sources')
    l_0_source_notes = resolve('source_notes')
    l_0_without_roles = resolve('without_roles')
    l_0_js = resolve('js')
    l_0_group_table = missing
    try:
        t_1 = environment.filters['dk']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'dk' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_4 = environment.filters['sort']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'sort' found.")
    try:
        t_5 = environment.filters['truncate']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'truncate' found.")
    try:
        t_6 = environment.filters['when']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'when' found.")
    pass
    def macro(l_1_groups, l_1_label):
        t_7 = []
        if l_1_groups is missing:
            l_1_groups = undefined("parameter 'groups' was not provided", name='groups')
        if l_1_label is missing:
            l_1_label = undefined("parameter 'label' was not provided", name='label')
        pass
        if l_1_groups:
            pass
            t_7.extend((
                '<table class="groups">\n  <thead><tr><th scope="col">',
                escape(l_1_label),
                '</th><th scope="col">Rolleindehavere</th><th scope="col">Med nummer</th><th scope="col">Roller</th><th scope="col">Roller med nummer</th><th scope="col">Dækning</th></tr></thead>\n  <tbody>',
            ))
            for l_2_g in l_1_groups:
                _loop_vars = {}
                pass
                t_7.extend((
                    '<tr><td>',
                    escape((environment.getattr(l_2_g, 'name') or '(ingen)')),
                    '</td><td class="num">',
                    escape(environment.getattr(l_2_g, 'holders')),
                    '</td><td class="num">',
                    escape(environment.getattr(l_2_g, 'covered_holders')),
                    '</td><td class="num">',
                    escape(environment.getattr(l_2_g, 'roles')),
                    '</td><td class="num">',
                    escape(environment.getattr(l_2_g, 'roles_covered')),
                    '</td><td class="num">',
                    escape(t_1(environment.getattr(l_2_g, 'coverage_pct'))),
                    ' %</td></tr>',
                ))
            l_2_g = missing
            t_7.append(
                '</tbody>\n</table>\n',
            )
        else:
            pass
            t_7.append(
                '<p>Ingen data.</p>',
            )
        return concat(t_7)
    context.exported_vars.add('group_table')
    context.vars['group_table'] = l_0_group_table = Macro(environment, macro, 'group_table', ('groups', 'label'), False, False, False, context.eval_ctx.autoescape)
    yield '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Telefonspor'
    if (undefined(name='municipality') if l_0_municipality is missing else l_0_municipality):
        pass
        yield ' – '
        yield escape((undefined(name='municipality') if l_0_municipality is missing else l_0_municipality))
    yield ' – '
    yield escape((undefined(name='date') if l_0_date is missing else l_0_date))
    yield '</title>\n<style>\n'
    yield escape((undefined(name='css') if l_0_css is missing else l_0_css))
    yield '\n</style>\n</head>\n<body>\n<a class="skip" href="#uden-telefon">Gå til tabellen over rolleindehavere uden nummer</a>\n<header class="page-header">\n  <p class="eyebrow">Telefonspor · roller i KLIK uden telefonnummer</p>\n  <h1>'
    if (undefined(name='municipality') if l_0_municipality is missing else l_0_municipality):
        pass
        yield escape((undefined(name='municipality') if l_0_municipality is missing else l_0_municipality))
    else:
        pass
        yield 'Roller i KLIK uden telefonnummer'
    yield '</h1>\n  <p class="meta">Dannet <time datetime="'
    yield escape((undefined(name='generated_at') if l_0_generated_at is missing else l_0_generated_at))
    yield '">'
    yield escape(t_6((undefined(name='generated_at') if l_0_generated_at is missing else l_0_generated_at)))
    yield '</time></p>\n</header>\n<main>\n'
    if (undefined(name='no_chain') if l_0_no_chain is missing else l_0_no_chain):
        pass
        yield '<section class="notice" aria-labelledby="h-kaede"><h2 id="h-kaede">'
        yield escape((undefined(name='no_chain_title') if l_0_no_chain_title is missing else l_0_no_chain_title))
        yield '</h2><p>'
        yield escape((undefined(name='no_chain') if l_0_no_chain is missing else l_0_no_chain))
        yield '</p></section>'
    if (undefined(name='gains') if l_0_gains is missing else l_0_gains):
        pass
        yield '<section id="gevinster" aria-labelledby="h-gevinster">\n  <h2 id="h-gevinster">Største gevinster</h2>\n'
        l_0_last = t_3((undefined(name='gains') if l_0_gains is missing else l_0_gains))
        context.vars['last'] = l_0_last
        context.exported_vars.add('last')
        yield '  <p class="lead">'
        yield escape((undefined(name='last') if l_0_last is missing else l_0_last))
        yield ' '
        yield escape(('ændring' if ((undefined(name='last') if l_0_last is missing else l_0_last) == 1) else 'ændringer'))
        yield ' lukker '
        yield escape(t_1(environment.getitem(environment.getitem((undefined(name='gains') if l_0_gains is missing else l_0_gains), -1), 1)))
        yield ' % af hullet ('
        yield escape(t_1((undefined(name='gap') if l_0_gap is missing else l_0_gap)))
        yield ' '
        yield escape(context.call((undefined(name='plural') if l_0_plural is missing else l_0_plural), (undefined(name='gap') if l_0_gap is missing else l_0_gap), 'rolle', 'roller'))
        yield ' uden nummer).</p>\n  <svg class="chart" role="img" aria-labelledby="svg-gevinster" viewBox="0 0 760 '
        yield escape(((28 * t_3((undefined(name='gain_bars') if l_0_gain_bars is missing else l_0_gain_bars))) + 8))
        yield '" width="760">\n    <title id="svg-gevinster">Andel af hullet, der lukkes, samlet efter hver rettelse</title>\n'
        l_1_loop = missing
        for l_1_bar, l_1_loop in LoopContext((undefined(name='gain_bars') if l_0_gain_bars is missing else l_0_gain_bars), undefined):
            _loop_vars = {}
            pass
            yield '    <text x="0" y="'
            yield escape((environment.getattr(l_1_bar, 'y') + 18))
            yield '" class="bar-label">'
            yield escape(environment.getattr(l_1_loop, 'index'))
            yield '. '
            yield escape(t_5(environment, environment.getattr(l_1_bar, 'label'), 40, True, '…'))
            yield '</text>\n    <rect x="340" y="'
            yield escape((environment.getattr(l_1_bar, 'y') + 4))
            yield '" width="'
            yield escape(environment.getattr(l_1_bar, 'width'))
            yield '" height="20" class="bar"></rect>\n    <text x="'
            yield escape((346 + environment.getattr(l_1_bar, 'width')))
            yield '" y="'
            yield escape((environment.getattr(l_1_bar, 'y') + 18))
            yield '" class="bar-value">'
            yield escape(environment.getattr(l_1_bar, 'text'))
            yield '</text>\n'
        l_1_loop = l_1_bar = missing
        yield '  </svg>\n  <table>\n    <caption>Rettelser ordnet efter antal roller, de dækker</caption>\n    <thead><tr><th scope="col">#</th><th scope="col">Ændring</th><th scope="col">Roller</th><th scope="col">Personer</th><th scope="col">Samlet af hullet</th><th scope="col">Ansvarlig</th><th scope="col">Bevis og rettelse</th></tr></thead>\n    <tbody>\n'
        l_1_loop = missing
        for (l_1_f, l_1_cum), l_1_loop in LoopContext((undefined(name='gains') if l_0_gains is missing else l_0_gains), undefined):
            l_1_party_label = resolve('party_label')
            l_1_rerun = resolve('rerun')
            l_1_whatif_command = resolve('whatif_command')
            _loop_vars = {}
            pass
            yield '      <tr><td>'
            yield escape(environment.getattr(l_1_loop, 'index'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_f, 'title'))
            yield '</td><td class="num">'
            yield escape(t_1(environment.getattr(l_1_f, 'roles_gained')))
            yield '</td><td class="num">'
            yield escape(t_1(environment.getattr(l_1_f, 'holders_gained')))
            yield '</td><td class="num">'
            yield escape(t_1(l_1_cum))
            yield ' %</td><td>'
            yield escape(context.call((undefined(name='party_label') if l_1_party_label is missing else l_1_party_label), environment.getattr(l_1_f, 'responsible'), _loop_vars=_loop_vars))
            yield '</td>\n        <td><p>'
            yield escape(environment.getattr(l_1_f, 'evidence_text'))
            yield '</p><p><strong>Ret:</strong> '
            yield escape(environment.getattr(l_1_f, 'fix'))
            yield '</p>'
            if (environment.getattr(l_1_f, 'setting') and (undefined(name='rerun') if l_1_rerun is missing else l_1_rerun)):
                pass
                yield '<p class="small">Afprøv: <code>'
                yield escape(context.call((undefined(name='whatif_command') if l_1_whatif_command is missing else l_1_whatif_command), (undefined(name='rerun') if l_1_rerun is missing else l_1_rerun), environment.getattr(l_1_f, 'setting'), _loop_vars=_loop_vars))
                yield '</code></p>'
            elif environment.getattr(l_1_f, 'setting'):
                pass
                yield '<p class="small">Afprøv med <code>whatif --set '
                yield escape(environment.getattr(l_1_f, 'setting'))
                yield '</code> på de samme filer.</p>'
            yield '</td></tr>\n'
        l_1_loop = l_1_f = l_1_cum = l_1_party_label = l_1_rerun = l_1_whatif_command = missing
        yield '    </tbody>\n  </table>\n</section>\n'
    yield '\n<section id="overblik" aria-labelledby="h-overblik">\n  <h2 id="h-overblik">Overblik</h2>\n  <dl class="figures">\n    <div class="figure primary"><dt>Rolle-dækning</dt><dd>'
    yield escape(t_1(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'coverage_pct')))
    yield ' %</dd><dd class="small">'
    yield escape(t_1(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'roles_covered')))
    yield ' af '
    yield escape(t_1(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'roles')))
    yield ' roller har et brugbart nummer</dd></div>\n    <div class="figure"><dt>Personer med nummer</dt><dd>'
    yield escape(t_1(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'holder_coverage_pct')))
    yield ' %</dd><dd class="small">'
    yield escape(t_1(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'covered_holders')))
    yield ' af '
    yield escape(t_1(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'role_holders')))
    yield ' rolleindehavere</dd></div>\n    <div class="figure"><dt>Kan kontaktes direkte</dt><dd>'
    yield escape(t_1(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'direct_reach_holders')))
    yield '</dd><dd class="small">personligt nummer (ikke delt, ikke servicenummer)</dd></div>\n    <div class="figure"><dt>Åbne sager</dt><dd>'
    yield escape(t_1((undefined(name='open_count') if l_0_open_count is missing else l_0_open_count)))
    yield '</dd><dd class="small">'
    yield escape(t_3((undefined(name='accepted') if l_0_accepted is missing else l_0_accepted)))
    yield ' accepteret (handles ikke)</dd></div>\n    <div class="figure"><dt>Brugere uden roller</dt><dd>'
    yield escape(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'users_without_roles'))
    yield '</dd><dd class="small">tæller ikke med i dækningen</dd></div>\n  </dl>\n</section>\n\n<section id="opgave" aria-labelledby="h-opgave">\n  <h2 id="h-opgave">KLIK-opgavens fem trin</h2>\n  <ol class="steps">\n'
    for l_1_step in (undefined(name='steps') if l_0_steps is missing else l_0_steps):
        _loop_vars = {}
        pass
        yield '    <li class="'
        yield escape(('done' if environment.getattr(l_1_step, 'done_at') else 'todo'))
        yield '"><span class="step-title">'
        yield escape(environment.getattr(l_1_step, 'title'))
        yield '</span>\n      <span class="status">'
        if environment.getattr(l_1_step, 'done_at'):
            pass
            yield 'Udført '
            yield escape(t_6(environment.getattr(l_1_step, 'done_at')))
        else:
            pass
            yield 'Ikke udført'
        yield '</span>'
        if environment.getattr(l_1_step, 'note'):
            pass
            yield ' <span class="small">'
            yield escape(environment.getattr(l_1_step, 'note'))
            yield '</span>'
        yield '</li>\n'
    l_1_step = missing
    yield '  </ol>\n'
    if (undefined(name='task_decision') if l_0_task_decision is missing else l_0_task_decision):
        pass
        yield '  <p class="decision"><strong>Beslutning for hele opgaven:</strong> '
        yield escape(context.call((undefined(name='decision_text') if l_0_decision_text is missing else l_0_decision_text), (undefined(name='task_decision') if l_0_task_decision is missing else l_0_task_decision)))
        yield ' <span class="small">('
        yield escape(environment.getattr((undefined(name='task_decision') if l_0_task_decision is missing else l_0_task_decision), 'decided_by'))
        yield ', '
        yield escape(t_6(environment.getattr((undefined(name='task_decision') if l_0_task_decision is missing else l_0_task_decision), 'decided_at')))
        yield ')</span></p>\n'
    yield '</section>\n\n<section id="aarsager" aria-labelledby="h-aarsager">\n  <h2 id="h-aarsager">Uden nummer fordelt på årsag</h2>\n'
    if (undefined(name='cause_bars') if l_0_cause_bars is missing else l_0_cause_bars):
        pass
        yield '  <svg class="chart" role="img" aria-labelledby="svg-aarsager" viewBox="0 0 760 '
        yield escape(((28 * t_3((undefined(name='cause_bars') if l_0_cause_bars is missing else l_0_cause_bars))) + 8))
        yield '" width="760">\n    <title id="svg-aarsager">Rolleindehavere uden nummer pr. årsag</title>\n'
        for l_1_bar in (undefined(name='cause_bars') if l_0_cause_bars is missing else l_0_cause_bars):
            _loop_vars = {}
            pass
            yield '    <text x="0" y="'
            yield escape((environment.getattr(l_1_bar, 'y') + 18))
            yield '" class="bar-label">'
            yield escape(t_5(environment, environment.getattr(l_1_bar, 'label'), 44, True, '…'))
            yield '</text>\n    <rect x="340" y="'
            yield escape((environment.getattr(l_1_bar, 'y') + 4))
            yield '" width="'
            yield escape(environment.getattr(l_1_bar, 'width'))
            yield '" height="20" class="bar"></rect>\n    <text x="'
            yield escape((346 + environment.getattr(l_1_bar, 'width')))
            yield '" y="'
            yield escape((environment.getattr(l_1_bar, 'y') + 18))
            yield '" class="bar-value">'
            yield escape(environment.getattr(l_1_bar, 'text'))
            yield '</text>\n'
        l_1_bar = missing
        yield '  </svg>\n  <dl class="explain">\n'
        for (l_1_code, l_1_n, l_1_label, l_1_text) in (undefined(name='causes') if l_0_causes is missing else l_0_causes):
            _loop_vars = {}
            pass
            yield '    <dt>'
            yield escape(l_1_label)
            yield ' ('
            yield escape(l_1_n)
            yield ')</dt><dd>'
            yield escape(l_1_text)
            yield '</dd>\n'
        l_1_code = l_1_n = l_1_label = l_1_text = missing
        yield '  </dl>\n'
    else:
        pass
        yield '  <p>Alle rolleindehavere har et brugbart nummer.</p>\n'
    yield '</section>\n\n<section id="kaede" aria-labelledby="h-kaede">\n  <h2 id="h-kaede">Kæden: hvor numrene forsvinder</h2>\n  <ol class="chain">\n    <li class="box"><span class="box-name">Kilde</span><span class="lost">'
    yield escape(environment.getattr((undefined(name='chain') if l_0_chain is missing else l_0_chain), 'source'))
    yield ' aldrig registreret eller ugyldigt</span></li>\n    <li class="arrow" aria-label="Tabt mellem kilde og lokal organisationsløsning: '
    yield escape(environment.getattr((undefined(name='chain') if l_0_chain is missing else l_0_chain), 'source_local'))
    yield '"><span aria-hidden="true">→</span><span class="lost">'
    yield escape(environment.getattr((undefined(name='chain') if l_0_chain is missing else l_0_chain), 'source_local'))
    yield ' tabt</span></li>\n    <li class="box"><span class="box-name">Lokal organisationsløsning</span></li>\n    <li class="arrow" aria-label="Tabt mellem lokal organisationsløsning og FK-ORG: '
    yield escape(environment.getattr((undefined(name='chain') if l_0_chain is missing else l_0_chain), 'local_fkorg'))
    yield '"><span aria-hidden="true">→</span><span class="lost">'
    yield escape(environment.getattr((undefined(name='chain') if l_0_chain is missing else l_0_chain), 'local_fkorg'))
    yield ' tabt</span></li>\n    <li class="box"><span class="box-name">FK-ORG</span></li>\n    <li class="arrow" aria-label="Tabt mellem FK-ORG og KLIK: '
    yield escape(environment.getattr((undefined(name='chain') if l_0_chain is missing else l_0_chain), 'fkorg_klik'))
    yield '"><span aria-hidden="true">→</span><span class="lost">'
    yield escape(environment.getattr((undefined(name='chain') if l_0_chain is missing else l_0_chain), 'fkorg_klik'))
    yield ' tabt</span></li>\n    <li class="box"><span class="box-name">KLIK</span><span class="lost">'
    yield escape(environment.getattr((undefined(name='chain') if l_0_chain is missing else l_0_chain), 'legacy'))
    yield ' gamle KLIK-brugere uden FK-ORG-bruger</span></li>\n  </ol>\n'
    if environment.getattr((undefined(name='chain') if l_0_chain is missing else l_0_chain), 'undetermined'):
        pass
        yield '<p class="small">Årsagen kan ikke afgøres for '
        yield escape(environment.getattr((undefined(name='chain') if l_0_chain is missing else l_0_chain), 'undetermined'))
        yield ' '
        yield escape(context.call((undefined(name='plural') if l_0_plural is missing else l_0_plural), environment.getattr((undefined(name='chain') if l_0_chain is missing else l_0_chain), 'undetermined'), 'rolleindehaver', 'rolleindehavere'))
        yield ' (for få data).</p>'
    yield '</section>\n\n'
    if (undefined(name='trend_points') if l_0_trend_points is missing else l_0_trend_points):
        pass
        yield '<section id="udvikling" aria-labelledby="h-udvikling">\n  <h2 id="h-udvikling">Udvikling over kørsler</h2>\n  <svg class="chart" role="img" aria-labelledby="svg-udvikling" viewBox="0 0 620 230" width="620">\n    <title id="svg-udvikling">Rolle-dækning i procent over '
        yield escape(t_3((undefined(name='trend_points') if l_0_trend_points is missing else l_0_trend_points)))
        yield ' kørsler, fra '
        yield escape(environment.getattr(environment.getitem((undefined(name='trend_points') if l_0_trend_points is missing else l_0_trend_points), 0), 'value'))
        yield ' % til '
        yield escape(environment.getattr(environment.getitem((undefined(name='trend_points') if l_0_trend_points is missing else l_0_trend_points), -1), 'value'))
        yield ' %</title>\n'
        for l_1_y in [0, 25, 50, 75, 100]:
            _loop_vars = {}
            pass
            yield '    <line x1="20" x2="580" y1="'
            yield escape((200 - (2 * l_1_y)))
            yield '" y2="'
            yield escape((200 - (2 * l_1_y)))
            yield '" class="grid"></line>\n    <text x="584" y="'
            yield escape((204 - (2 * l_1_y)))
            yield '" class="axis">'
            yield escape(l_1_y)
            yield ' %</text>\n'
        l_1_y = missing
        yield '    <polyline class="trend" points="'
        for l_1_p in (undefined(name='trend_points') if l_0_trend_points is missing else l_0_trend_points):
            _loop_vars = {}
            pass
            yield escape(environment.getattr(l_1_p, 'x'))
            yield ','
            yield escape(environment.getattr(l_1_p, 'y'))
            yield ' '
        l_1_p = missing
        yield '"></polyline>\n'
        for l_1_p in (undefined(name='trend_points') if l_0_trend_points is missing else l_0_trend_points):
            _loop_vars = {}
            pass
            yield '    <circle cx="'
            yield escape(environment.getattr(l_1_p, 'x'))
            yield '" cy="'
            yield escape(environment.getattr(l_1_p, 'y'))
            yield '" r="4" class="dot"><title>'
            yield escape(environment.getattr(l_1_p, 'label'))
            yield ': '
            yield escape(t_1(environment.getattr(l_1_p, 'value')))
            yield ' %</title></circle>\n'
        l_1_p = missing
        yield '    <text x="20" y="222" class="axis">'
        yield escape(environment.getattr(environment.getitem((undefined(name='trend_points') if l_0_trend_points is missing else l_0_trend_points), 0), 'label'))
        yield '</text>\n    <text x="580" y="222" class="axis" text-anchor="end">'
        yield escape(environment.getattr(environment.getitem((undefined(name='trend_points') if l_0_trend_points is missing else l_0_trend_points), -1), 'label'))
        yield '</text>\n  </svg>\n  <table>\n    <caption>Kørsler</caption>\n    <thead><tr><th scope="col">Kørsel</th><th scope="col">Dato</th><th scope="col">Rolle-dækning</th><th scope="col">Roller</th><th scope="col">Med nummer</th></tr></thead>\n    <tbody>'
        for l_1_p in (undefined(name='trend') if l_0_trend is missing else l_0_trend):
            _loop_vars = {}
            pass
            yield '<tr><td>'
            yield escape(environment.getattr(l_1_p, 'run_id'))
            yield '</td><td>'
            yield escape(t_6(environment.getattr(l_1_p, 'started_at')))
            yield '</td><td class="num">'
            yield escape(t_1(environment.getattr(l_1_p, 'coverage_pct')))
            yield ' %</td><td class="num">'
            yield escape(environment.getattr(l_1_p, 'roles'))
            yield '</td><td class="num">'
            yield escape(environment.getattr(l_1_p, 'roles_covered'))
            yield '</td></tr>'
        l_1_p = missing
        yield '</tbody>\n  </table>\n</section>\n'
    yield '\n'
    if (undefined(name='changes') if l_0_changes is missing else l_0_changes):
        pass
        yield '<section id="aendringer" aria-labelledby="h-aendringer">\n  <h2 id="h-aendringer">Ændringer siden sidst</h2>\n  <p class="small">Kørsel '
        yield escape(environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'from_run'))
        yield ' sammenlignet med kørsel '
        yield escape(environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'to_run'))
        yield '.</p>\n  <dl class="figures">\n    <div class="figure"><dt>Har fået nummer</dt><dd>'
        yield escape(t_3(environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'fixed')))
        yield '</dd></div>\n    <div class="figure"><dt>Nye uden nummer</dt><dd>'
        yield escape(t_3(environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'newly_missing')))
        yield '</dd></div>\n    <div class="figure"><dt>Skiftet årsag</dt><dd>'
        yield escape(t_3(environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'changed_cause')))
        yield '</dd></div>\n    <div class="figure"><dt>Ikke længere i KLIK</dt><dd>'
        yield escape(t_3(environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'gone')))
        yield '</dd></div>\n  </dl>\n'
        if environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'via_selfservice'):
            pass
            yield '<p id="via-selvbetjening">Heraf via selvbetjening (medarbejderen registrerede selv sit nummer): '
            yield escape(t_3(environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'via_selfservice')))
            yield ' – '
            yield escape(t_2(context.eval_ctx, t_4(environment, environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'via_selfservice')), ', '))
            yield '</p>'
        if environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'fixed'):
            pass
            yield '<details><summary>Har fået nummer ('
            yield escape(t_3(environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'fixed')))
            yield ')</summary><p>'
            yield escape(t_2(context.eval_ctx, t_4(environment, environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'fixed')), ', '))
            yield '</p></details>'
        if environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'newly_missing'):
            pass
            yield '<details><summary>Nye uden nummer ('
            yield escape(t_3(environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'newly_missing')))
            yield ')</summary><p>'
            yield escape(t_2(context.eval_ctx, t_4(environment, environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'newly_missing')), ', '))
            yield '</p></details>'
        if environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'changed_cause'):
            pass
            yield '<details><summary>Skiftet årsag ('
            yield escape(t_3(environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'changed_cause')))
            yield ')</summary><ul>'
            for l_1_c in t_4(environment, environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'changed_cause'), attribute='user_id'):
                _loop_vars = {}
                pass
                yield '<li>'
                yield escape(environment.getattr(l_1_c, 'user_id'))
                yield ': '
                yield escape((environment.getattr(l_1_c, 'old') or '–'))
                yield ' → '
                yield escape((environment.getattr(l_1_c, 'new') or '–'))
                yield '</li>'
            l_1_c = missing
            yield '</ul></details>'
        if environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'gone'):
            pass
            yield '<details><summary>Ikke længere i KLIK ('
            yield escape(t_3(environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'gone')))
            yield ')</summary><p>'
            yield escape(t_2(context.eval_ctx, t_4(environment, environment.getattr((undefined(name='changes') if l_0_changes is missing else l_0_changes), 'gone')), ', '))
            yield '</p></details>'
        yield '</section>\n'
    yield '\n<section id="uden-telefon" aria-labelledby="h-uden">\n  <h2 id="h-uden">Rolleindehavere uden brugbart nummer ('
    yield escape(t_1((undefined(name='open_count') if l_0_open_count is missing else l_0_open_count)))
    yield ' åbne sager)</h2>\n  <noscript><p class="notice">Tabellen vises med JavaScript. Uden JavaScript findes alle rækker i rapport.xlsx (arket "Uden telefon") og i resultat.json.</p></noscript>\n  <form class="controls" id="controls" role="search" onsubmit="return false">\n    <div class="control"><label for="q">Søg</label><input id="q" type="search" autocomplete="off" placeholder="Navn, brugernavn, rolle …" title="Søger i navn, brugernavn, enhed, roller, numre, årsag og handling"></div>\n    <div class="control"><label for="f-cause">Årsag</label><select id="f-cause"><option value="">Alle årsager</option></select></div>\n    <div class="control"><label for="f-party">Ansvarlig</label><select id="f-party"><option value="">Alle</option></select></div>\n    <div class="control"><label for="f-role">Rolle</label><select id="f-role"><option value="">Alle roller</option></select></div>\n    <div class="control"><label for="f-unit">Enhed</label><select id="f-unit"><option value="">Alle enheder</option></select></div>\n  </form>\n  <p id="count" class="count" role="status" aria-live="polite"></p>\n  <div class="table-wrap">\n  <table id="holders" class="screen-only">\n    <caption class="visually-hidden">Rolleindehavere uden brugbart nummer. Vælg en række for at se handlingen, numrene og sporet gennem kæden.</caption>\n    <colgroup><col class="c-user"><col class="c-name"><col class="c-roles"><col class="c-cause"><col class="c-party"></colgroup>\n    <thead><tr>\n      <th scope="col" aria-sort="none"><button type="button" data-key="u">Brugernavn</button></th>\n      <th scope="col" aria-sort="none"><button type="button" data-key="n">Navn</button></th>\n      <th scope="col" aria-sort="none"><button type="button" data-key="r">Roller</button></th>\n      <th scope="col" aria-sort="none"><button type="button" data-key="c">Årsag</button></th>\n      <th scope="col" aria-sort="none"><button type="button" data-key="s">Ansvarlig</button></th>\n    </tr></thead>\n    <tbody id="rows"></tbody>\n  </table>\n  </div>\n  <nav class="pager" aria-label="Sider i tabellen">\n    <button type="button" id="prev">Forrige side</button>\n    <span id="page-info"></span>\n    <button type="button" id="next">Næste side</button>\n  </nav>\n  <div id="print-area" class="print-only"></div>\n  <dialog id="trace" aria-labelledby="trace-title">\n    <form method="dialog" class="dialog-close"><button type="submit">Luk</button></form>\n    <h3 id="trace-title">Spor</h3>\n    <div id="trace-body"></div>\n  </dialog>\n  <script type="application/json" id="holder-data">'
    yield escape((undefined(name='data') if l_0_data is missing else l_0_data))
    yield '</script>\n</section>\n\n'
    if (undefined(name='accepted') if l_0_accepted is missing else l_0_accepted):
        pass
        yield '<section id="accepteret" aria-labelledby="h-accepteret">\n  <h2 id="h-accepteret">Accepterede sager ('
        yield escape(t_3((undefined(name='accepted') if l_0_accepted is missing else l_0_accepted)))
        yield ')</h2>\n  <p>Her er besluttet ikke at handle. Sagerne tæller ikke som åbent arbejde.</p>\n  <table>\n    <thead><tr><th scope="col">Brugernavn</th><th scope="col">Navn</th><th scope="col">Årsag</th><th scope="col">Beslutning</th></tr></thead>\n    <tbody>'
        for (l_1_h, l_1_text) in (undefined(name='accepted') if l_0_accepted is missing else l_0_accepted):
            l_1_cause_label = resolve('cause_label')
            _loop_vars = {}
            pass
            yield '<tr><td>'
            yield escape(environment.getattr(l_1_h, 'user_id'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_h, 'name'))
            yield '</td><td>'
            yield escape(context.call((undefined(name='cause_label') if l_1_cause_label is missing else l_1_cause_label), environment.getattr(l_1_h, 'cause'), _loop_vars=_loop_vars))
            yield '</td><td>'
            yield escape(l_1_text)
            yield '</td></tr>'
        l_1_h = l_1_text = l_1_cause_label = missing
        yield '</tbody>\n  </table>\n</section>\n'
    yield '\n<section id="datakvalitet" aria-labelledby="h-kvalitet">\n  <h2 id="h-kvalitet">Datakvalitet</h2>\n'
    if (undefined(name='quality') if l_0_quality is missing else l_0_quality):
        pass
        yield '  <table>\n    <thead><tr><th scope="col">Fund</th><th scope="col">Antal</th><th scope="col">Forklaring</th></tr></thead>\n    <tbody>'
        for (l_1_code, l_1_n, l_1_label, l_1_text) in (undefined(name='quality') if l_0_quality is missing else l_0_quality):
            _loop_vars = {}
            pass
            yield '<tr><td>'
            yield escape(l_1_label)
            yield '</td><td class="num">'
            yield escape(l_1_n)
            yield '</td><td>'
            yield escape(l_1_text)
            yield '</td></tr>'
        l_1_code = l_1_n = l_1_label = l_1_text = missing
        yield '</tbody>\n  </table>\n  <p class="small">Hvert fund står på en række i rapport.xlsx, arket "Datakvalitet".</p>\n'
    else:
        pass
        yield '<p>Ingen fund i telefonnumrene.</p>'
    yield '</section>\n\n<section id="pr-rolle" aria-labelledby="h-rolle">\n  <h2 id="h-rolle">Dækning pr. rolle</h2>\n  '
    yield escape(context.call((undefined(name='group_table') if l_0_group_table is missing else l_0_group_table), (undefined(name='by_role') if l_0_by_role is missing else l_0_by_role), 'Rolle'))
    yield '\n</section>\n\n<section id="pr-enhed" aria-labelledby="h-enhed">\n  <h2 id="h-enhed">Dækning pr. enhed</h2>\n  '
    yield escape(context.call((undefined(name='group_table') if l_0_group_table is missing else l_0_group_table), (undefined(name='by_unit') if l_0_by_unit is missing else l_0_by_unit), 'Enhed'))
    yield '\n</section>\n\n<section id="kilder" aria-labelledby="h-kilder">\n  <h2 id="h-kilder">Kilder</h2>\n'
    if (undefined(name='sources') if l_0_sources is missing else l_0_sources):
        pass
        yield '  <table>\n    <thead><tr><th scope="col">System</th><th scope="col">Plads i kæden</th><th scope="col">Poster</th><th scope="col">Komplet</th><th scope="col">Fil eller adresse</th><th scope="col">Bemærkninger</th></tr></thead>\n    <tbody>'
        for l_1_src in (undefined(name='sources') if l_0_sources is missing else l_0_sources):
            l_1_system_label = resolve('system_label')
            l_1_position_label = resolve('position_label')
            _loop_vars = {}
            pass
            yield '<tr'
            if (not environment.getattr(l_1_src, 'complete')):
                pass
                yield ' class="incomplete"'
            yield '><td>'
            yield escape(context.call((undefined(name='system_label') if l_1_system_label is missing else l_1_system_label), environment.getattr(l_1_src, 'kind'), _loop_vars=_loop_vars))
            yield '</td><td>'
            yield escape(context.call((undefined(name='position_label') if l_1_position_label is missing else l_1_position_label), environment.getattr(l_1_src, 'position'), _loop_vars=_loop_vars))
            yield '</td><td class="num">'
            yield escape(t_3(environment.getattr(l_1_src, 'records')))
            yield '</td><td>'
            if environment.getattr(l_1_src, 'complete'):
                pass
                yield 'Ja'
            else:
                pass
                yield '<strong>Nej – ufuldstændig</strong>'
            yield '</td><td>'
            yield escape(environment.getattr(l_1_src, 'origin'))
            yield '</td><td>'
            yield escape(t_2(context.eval_ctx, environment.getattr(l_1_src, 'notes'), '; '))
            yield '</td></tr>'
        l_1_src = l_1_system_label = l_1_position_label = missing
        yield '</tbody>\n  </table>\n'
    else:
        pass
        yield '<p>Kun KLIK-eksporten er læst; ingen systemer i kæden er angivet.</p>'
    for l_1_note in (undefined(name='source_notes') if l_0_source_notes is missing else l_0_source_notes):
        _loop_vars = {}
        pass
        yield '<p class="notice">Bemærk: '
        yield escape(l_1_note)
        yield '</p>'
    l_1_note = missing
    yield '</section>\n\n<section id="uden-roller" aria-labelledby="h-uden-roller">\n  <h2 id="h-uden-roller">Brugere uden roller ('
    yield escape(t_3((undefined(name='without_roles') if l_0_without_roles is missing else l_0_without_roles)))
    yield ')</h2>\n'
    if (undefined(name='without_roles') if l_0_without_roles is missing else l_0_without_roles):
        pass
        yield '  <details><summary>Vis brugerne (de tæller ikke med i dækningen)</summary>\n  <table>\n    <thead><tr><th scope="col">Brugernavn</th><th scope="col">Navn</th></tr></thead>\n    <tbody>'
        for l_1_u in (undefined(name='without_roles') if l_0_without_roles is missing else l_0_without_roles):
            _loop_vars = {}
            pass
            yield '<tr><td>'
            yield escape(environment.getattr(l_1_u, 'user_id'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_u, 'name'))
            yield '</td></tr>'
        l_1_u = missing
        yield '</tbody>\n  </table>\n  </details>\n'
    else:
        pass
        yield '<p>Alle brugere i eksporten har mindst én rolle.</p>'
    yield '</section>\n</main>\n<footer class="page-footer"><p>Lavet med telefonspor. Rapporten virker uden internet; tallene kan genfindes i rapport.xlsx og resultat.json.</p></footer>\n<script>\n'
    yield escape((undefined(name='js') if l_0_js is missing else l_0_js))
    yield '\n</script>\n</body>\n</html>'

blocks = {}
debug_info = '1=79&2=86&4=90&5=93&14=124&16=131&23=133&24=140&27=144&28=151&31=154&32=158&33=168&35=171&36=175&37=181&38=185&45=194&46=201&47=213&57=231&58=237&59=243&60=245&61=249&68=251&69=255&70=259&73=275&74=278&80=285&81=288&83=290&84=294&85=298&86=302&90=310&91=314&102=326&103=328&105=332&107=336&108=340&110=342&113=350&117=353&118=359&119=363&120=367&122=373&123=382&124=386&126=396&127=398&132=400&137=417&140=420&142=424&143=426&144=428&145=430&147=432&148=439&149=446&150=453&151=470&156=479&191=481&194=483&196=486&200=488&207=504&210=507&218=523&223=525&228=527&231=530&234=562&238=570&239=572&243=575&251=589'
