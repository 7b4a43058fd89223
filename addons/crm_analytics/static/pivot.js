/* The managers' pivot page (crm_analytics).
 *
 * The numbers are counted by the database: whenever the dimensions in rows
 * and columns change, the page asks crm.analytics.fact.aggregate for the
 * groups of exactly those dimensions (under the user's record rules, over
 * JSON-RPC with the back office's session cookie) and gives PivotTable.js
 * those groups as its "records".  Its aggregators add the groups' sums and
 * divide them (facts.RATIOS), so that every total and ratio is exact; no
 * appeal row ever reaches the browser.
 */
(function () {
    'use strict';
    var CONFIG = JSON.parse(
        document.getElementById('pivot-config').textContent);
    var $ = window.jQuery;
    // The value of a dimension the groups are not split by (yet)
    var NOT_GROUPED = '…';
    var TOTAL = 'Итого';
    // Measures and renderers (pivot_drawing.js), once describe() is read
    var drawing = null;
    var LOCALE = {
        renderError: 'Не удалось нарисовать таблицу.',
        computeError: 'Не удалось посчитать таблицу.',
        uiRenderError: 'Не удалось нарисовать сводную таблицу.',
        selectAll: 'Выбрать все',
        selectNone: 'Снять все',
        tooMany: '(слишком много значений)',
        filterResults: 'Найти значение',
        apply: 'Применить',
        cancel: 'Отмена',
        totals: TOTAL,
        vs: 'и',
        by: 'по'
    };
    var state = {
        context: {},
        describe: null,
        titles: {},       // dimension or measure name → title
        names: {},        // dimension title → name
        fetched: null,    // the dimensions of the groups held, in order
        groups: [],
        rows: [],
        cols: [],
        measure: 'count',
        renderer: 'Таблица',
        rowOrder: 'key_a_to_z',
        colOrder: 'key_a_to_z',
        exclusions: {},
        layouts: [],
        layout: null,     // the layout open
        pivotData: null,  // what the renderer drew last (for the export)
        request: 0
    };

    // -- the server -------------------------------------------------------

    function SessionLost() {}

    function rpc(method, params) {
        return fetch(CONFIG.rpc, {
            method: 'POST',
            credentials: 'same-origin',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({
                id: ++state.request, method: method, params: params})
        }).then(function (response) {
            if (response.status === 401 || response.status === 403) {
                throw new SessionLost();
            }
            if (!response.ok) {
                throw new Error('Сервер ответил ошибкой ' + response.status +
                    '.');
            }
            return response.json();
        }).then(function (answer) {
            if (answer.error) {
                var error = answer.error;
                // UserError: ["UserError", [message, description, domain]]
                var message = Array.isArray(error[1]) ? error[1][0] :
                    'Ошибка на сервере: ' + error[0];
                throw new Error(message);
            }
            return answer.result;
        });
    }

    function call(model, method, args) {
        return rpc('model.' + model + '.' + method,
            args.concat([state.context]));
    }

    function status(text, kind) {
        var element = document.getElementById('pv-status');
        element.textContent = text || '';
        element.className = 'pv-status' + (kind ? ' pv-' + kind : '');
    }

    function failed(error) {
        if (error instanceof SessionLost) {
            var element = document.getElementById('pv-status');
            element.className = 'pv-status pv-error';
            element.innerHTML = '';
            element.append('Сеанс закончился: ');
            var link = document.createElement('a');
            link.href = document.getElementById('pv-back').href;
            link.textContent = 'войдите в систему ещё раз';
            element.append(link, '.');
        } else {
            status(error.message || String(error), 'error');
        }
    }


    // The groups as PivotTable's records: every dimension (those not
    // grouped show NOT_GROUPED, so that they can still be dragged), and
    // the sums, hidden from the drag and drop
    function records(callback) {
        var dimensions = state.describe.dimensions;
        state.groups.forEach(function (group) {
            var record = {};
            dimensions.forEach(function (dimension) {
                record[dimension[1]] = dimension[0] in group ?
                    group[dimension[0]] : NOT_GROUPED;
            });
            state.describe.sums.forEach(function (sum) {
                record[sum] = group[sum];
            });
            callback(record);
        });
    }

    // The year, month, week and day titles («Январь 2025») in the order
    // of their ISO texts, which the groups carry, not as words
    function sorters() {
        var result = {};
        state.describe.dimensions.forEach(function (dimension) {
            var iso = {};
            state.groups.forEach(function (group) {
                if (group._sort && dimension[0] in group._sort) {
                    iso[group[dimension[0]]] = group._sort[dimension[0]];
                }
            });
            if (Object.keys(iso).length) {
                result[dimension[1]] = function (a, b) {
                    var x = a in iso ? iso[a] : a, y = b in iso ? iso[b] : b;
                    return x < y ? -1 : x > y ? 1 : 0;
                };
            }
        });
        return result;
    }

    function titles(names) {
        return names.map(function (n) { return state.titles[n]; });
    }

    function draw() {
        var sums = state.describe.sums;
        var exclusions = {};
        Object.keys(state.exclusions).forEach(function (name) {
            exclusions[state.titles[name]] = state.exclusions[name];
        });
        $('#pv-pivot').pivotUI(records, {
            rows: titles(state.rows),
            cols: titles(state.cols),
            aggregators: drawing.aggregators(),
            aggregatorName: state.titles[state.measure],
            renderers: drawing.renderers(),
            rendererName: state.renderer,
            rowOrder: state.rowOrder,
            colOrder: state.colOrder,
            exclusions: exclusions,
            sorters: sorters(),
            hiddenAttributes: sums,
            hiddenFromAggregators: sums,
            unusedAttrsVertical: true,
            menuLimit: 1000,
            localeStrings: LOCALE,
            rendererOptions: {localeStrings: LOCALE, heatmap: {
                colorScaleGenerator: drawing.heatScale}},
            onRefresh: refreshed
        }, true, 'ru');
    }

    // -- what to fetch ----------------------------------------------------

    function names(titleList) {
        return titleList.map(function (t) { return state.names[t]; })
            .filter(function (n) { return n; });
    }

    // The dimensions the groups must be split by: those in rows and
    // columns and those filtered on
    function needed() {
        var result = [];
        state.rows.concat(state.cols, Object.keys(state.exclusions))
            .forEach(function (name) {
                if (result.indexOf(name) < 0) {
                    result.push(name);
                }
            });
        return result;
    }

    function sameSet(a, b) {
        return a && b && a.length === b.length && a.every(function (x) {
            return b.indexOf(x) >= 0;
        });
    }

    // The period's fields hold Russian dates (ДД.ММ.ГГГГ) whatever the
    // browser's language; the server takes ISO dates
    function isoDate(id) {
        var field = document.getElementById(id);
        var text = field.value.trim();
        if (!text) {
            return null;
        }
        var match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
        var date = match && new Date(Date.UTC(
            +match[3], +match[2] - 1, +match[1]));
        if (!date || date.getUTCDate() !== +match[1] ||
                date.getUTCMonth() !== +match[2] - 1) {
            field.focus();
            throw new Error('«' + text + '» — не дата вида ДД.ММ.ГГГГ.');
        }
        return date.toISOString().slice(0, 10);
    }

    function setDate(id, iso) {
        document.getElementById(id).value = iso ? russianDate(iso) : '';
    }

    function period() {
        return [isoDate('pv-start'), isoDate('pv-end')];
    }

    function load() {
        var dimensions = needed();
        var dates;
        try {
            dates = period();
        } catch (error) {
            failed(error);
            return Promise.resolve();
        }
        var ticket = ++state.request;
        state.loading = ticket;
        status('Считаем…', 'busy');
        return call('crm.analytics.fact', 'aggregate',
            [dimensions, [], dates[0], dates[1]]).then(function (result) {
                if (state.loading !== ticket) {
                    return;
                }
                state.fetched = dimensions;
                state.groups = result.rows;
                draw();
                var count = result.rows.reduce(function (total, group) {
                    return total + group.count;
                }, 0);
                status(describePeriod(dates) + ': ' +
                    drawing.integer.format(count) + ' ' + appeals(count) + ', ' +
                    drawing.integer.format(result.rows.length) + ' ' +
                    plural(result.rows.length, 'группа', 'группы', 'групп') +
                    '.', 'ok');
            }, function (error) {
                if (state.loading === ticket) {
                    failed(error);
                }
            });
    }

    function plural(n, one, few, many) {
        var tens = n % 100, units = n % 10;
        if (tens > 10 && tens < 20) { return many; }
        if (units === 1) { return one; }
        if (units > 1 && units < 5) { return few; }
        return many;
    }

    function appeals(n) {
        return plural(n, 'обращение', 'обращения', 'обращений');
    }

    function russianDate(iso) {
        var parts = iso.split('-');
        return parts[2] + '.' + parts[1] + '.' + parts[0];
    }

    function describePeriod(dates) {
        if (dates[0] && dates[1]) {
            return 'С ' + russianDate(dates[0]) + ' по ' +
                russianDate(dates[1]);
        } else if (dates[0]) {
            return 'С ' + russianDate(dates[0]);
        } else if (dates[1]) {
            return 'По ' + russianDate(dates[1]);
        }
        return 'За всё время';
    }

    function refreshed(config) {
        state.rows = names(config.rows);
        state.cols = names(config.cols);
        state.measure = drawing.measureName(config.aggregatorName);
        state.renderer = config.rendererName;
        state.rowOrder = config.rowOrder;
        state.colOrder = config.colOrder;
        state.exclusions = {};
        Object.keys(config.exclusions || {}).forEach(function (title) {
            var name = state.names[title];
            if (name && config.exclusions[title].length) {
                state.exclusions[name] = config.exclusions[title];
            }
        });
        if (!sameSet(needed(), state.fetched)) {
            load();
        }
    }

    // -- saved layouts ----------------------------------------------------

    function current() {
        var dates = period();
        return {
            rows: state.rows, cols: state.cols, measure: state.measure,
            renderer: state.renderer, start: dates[0], end: dates[1],
            rowOrder: state.rowOrder, colOrder: state.colOrder
        };
    }

    function fillLayouts(selected) {
        var select = document.getElementById('pv-layout');
        select.innerHTML = '';
        var fresh = document.createElement('option');
        fresh.value = '';
        fresh.textContent = '— новый макет —';
        select.append(fresh);
        [['Мои макеты', true], ['Общие макеты', false]].forEach(
            function (part) {
                var items = state.layouts.filter(function (l) {
                    return l.own === part[1];
                });
                if (!items.length) {
                    return;
                }
                var group = document.createElement('optgroup');
                group.label = part[0];
                items.forEach(function (layout) {
                    var option = document.createElement('option');
                    option.value = layout.id;
                    option.textContent = layout.name +
                        (layout.own && layout.shared ? ' (общий)' : '');
                    group.append(option);
                });
                select.append(group);
            });
        select.value = selected ? String(selected) : '';
        buttons();
    }

    function buttons() {
        var layout = state.layout;
        var share = document.getElementById('pv-share');
        share.disabled = !(layout && layout.own);
        share.textContent = layout && layout.own && layout.shared ?
            'Не делиться' : 'Поделиться';
        share.title = share.disabled ?
            'Поделиться можно своим сохранённым макетом' :
            (layout.shared ? 'Макет перестанут видеть другие' :
                'Макет увидят все (каждый — со своими числами)');
    }

    function loadLayouts(selected) {
        return call('crm.analytics.layout', 'pivot_layouts', []).then(
            function (layouts) {
                state.layouts = layouts;
                fillLayouts(selected);
            });
    }

    function byId(id) {
        return state.layouts.filter(function (l) {
            return l.id === id;
        })[0] || null;
    }

    // The layout the page is on: its link, its title, its buttons
    function select(layout) {
        state.layout = layout;
        document.getElementById('pv-layout').value = layout ?
            String(layout.id) : '';
        document.title = (layout ? layout.name + ' — ' : '') +
            'Сводная таблица обращений';
        var url = new URL(window.location.href);
        if (layout) {
            url.searchParams.set('layout', layout.id);
        } else {
            url.searchParams.delete('layout');
        }
        window.history.replaceState(null, '', url.toString());
        buttons();
    }

    function open(layout) {
        select(layout);
        var config = layout ? layout.config : {};
        state.rows = config.rows || [];
        state.cols = config.cols || [];
        state.measure = config.measure || 'count';
        if (config.renderer && config.renderer in drawing.renderers()) {
            state.renderer = config.renderer;
        }
        state.rowOrder = config.rowOrder || 'key_a_to_z';
        state.colOrder = config.colOrder || 'key_a_to_z';
        state.exclusions = {};
        if (layout) {
            setDate('pv-start', layout.start);
            setDate('pv-end', layout.end);
        }
        return load();
    }

    function saveAs() {
        var name = window.prompt('Название макета:',
            state.layout ? state.layout.name + ' (копия)' : '');
        if (!name || !name.trim()) {
            return;
        }
        call('crm.analytics.layout', 'create', [[{
            name: name.trim(), config: JSON.stringify(current())}]]).then(
            function (ids) {
                return loadLayouts(ids[0]).then(function () {
                    // What is drawn is the layout: no need to count again
                    select(byId(ids[0]));
                    status('Макет «' + name.trim() + '» сохранён.', 'ok');
                });
            }).catch(failed);
    }

    function save() {
        var layout = state.layout;
        if (!layout || !layout.own) {
            saveAs();
            return;
        }
        call('crm.analytics.layout', 'write', [[layout.id],
            {config: JSON.stringify(current())}]).then(function () {
                return loadLayouts(layout.id).then(function () {
                    select(byId(layout.id));
                    status('Макет «' + layout.name + '» сохранён.', 'ok');
                });
            }).catch(failed);
    }

    function share() {
        var layout = state.layout;
        if (!layout || !layout.own) {
            return;
        }
        call('crm.analytics.layout', 'write', [[layout.id],
            {shared: !layout.shared}]).then(function () {
                return loadLayouts(layout.id).then(function () {
                    select(byId(layout.id));
                    status(state.layout.shared ?
                        'Макет «' + layout.name + '» виден всем.' :
                        'Макет «' + layout.name + '» виден только вам.',
                        'ok');
                });
            }).catch(failed);
    }

    // -- export -----------------------------------------------------------

    // What the page shows, as a table: the row dimensions, a column per
    // combination of the column dimensions and the totals
    function shown() {
        var data = state.pivotData;
        var rowAttrs = data.rowAttrs, colAttrs = data.colAttrs;
        var rowKeys = data.getRowKeys(), colKeys = data.getColKeys();
        var value = function (r, c) {
            return drawing.round(data.getAggregator(r, c).value());
        };
        var headers = rowAttrs.length ? rowAttrs.slice() : [''];
        if (colAttrs.length) {
            headers = headers.concat(colKeys.map(drawing.label), [TOTAL]);
        } else {
            headers.push(data.aggregatorName);
        }
        var lines = rowKeys.map(function (r) {
            var line = r.slice();
            if (colAttrs.length) {
                colKeys.forEach(function (c) { line.push(value(r, c)); });
            }
            line.push(value(r, []));
            return line;
        });
        var total = [TOTAL];
        for (var i = 1; i < Math.max(rowAttrs.length, 1); i++) {
            total.push('');
        }
        if (colAttrs.length) {
            colKeys.forEach(function (c) { total.push(value([], c)); });
        }
        total.push(value([], []));
        lines.push(total);
        return {headers: headers, rows: lines};
    }

    function download(fmt) {
        if (!state.pivotData) {
            return;
        }
        var table = shown();
        var title = state.layout ? state.layout.name :
            'Сводная таблица обращений';
        var subtitle = state.pivotData.aggregatorName + '. ' +
            describePeriod(period()) + '.';
        status('Готовим файл…', 'busy');
        call('crm.analytics.fact', 'render_table',
            [fmt, title, table.headers, table.rows, subtitle]).then(
            function (data) {
                var bytes = Uint8Array.from(atob(data.base64), function (c) {
                    return c.charCodeAt(0);
                });
                var blob = new Blob([bytes], {type: fmt === 'csv' ?
                    'text/csv' : 'application/vnd.openxmlformats-' +
                    'officedocument.spreadsheetml.sheet'});
                var link = document.createElement('a');
                link.href = URL.createObjectURL(blob);
                link.download = title.replace(/[\\/:*?"<>|]/g, ' ') + '.' +
                    fmt;
                document.body.append(link);
                link.click();
                link.remove();
                status('Файл ' + link.download + ' выгружен.', 'ok');
            }).catch(failed);
    }

    // -- start ------------------------------------------------------------

    function start() {
        var back = document.getElementById('pv-back');
        back.href = '/#' + encodeURIComponent(CONFIG.database);
        document.getElementById('pv-user').textContent = CONFIG.user_name ||
            '';
        rpc('model.res.user.get_preferences', [true, {}]).then(
            function (context) {
                state.context = context;
                return call('crm.analytics.fact', 'describe', []);
            }).then(function (describe) {
                state.describe = describe;
                drawing = window.CrmPivotDrawing(describe, function (data) {
                    state.pivotData = data;
                });
                describe.dimensions.concat(describe.measures).forEach(
                    function (item) {
                        state.titles[item[0]] = item[1];
                    });
                describe.dimensions.forEach(function (item) {
                    state.names[item[1]] = item[0];
                });
                return loadLayouts(CONFIG.layout);
            }).then(function () {
                var layout = CONFIG.layout ? byId(CONFIG.layout) : null;
                if (CONFIG.layout && !layout) {
                    status('Макет не найден или недоступен.', 'error');
                }
                return open(layout);
            }).catch(failed);

        document.getElementById('pv-layout').addEventListener('change',
            function (event) {
                var id = parseInt(event.target.value, 10);
                open(id ? byId(id) : null);
            });
        ['pv-start', 'pv-end'].forEach(function (id) {
            document.getElementById(id).addEventListener('change',
                function () {
                    if (state.describe) {
                        load();
                    }
                });
        });
        // A wrong date in the period stops a button with its message
        var guarded = function (action) {
            return function () {
                try {
                    action();
                } catch (error) {
                    failed(error);
                }
            };
        };
        document.getElementById('pv-save').addEventListener('click',
            guarded(save));
        document.getElementById('pv-save-as').addEventListener('click',
            guarded(saveAs));
        document.getElementById('pv-share').addEventListener('click',
            guarded(share));
        document.getElementById('pv-xlsx').addEventListener('click',
            guarded(function () { download('xlsx'); }));
        document.getElementById('pv-csv').addEventListener('click',
            guarded(function () { download('csv'); }));
    }

    // For the tests and the curious: the state the page draws from
    window.crmPivot = {state: state, shown: function () { return shown(); }};
    start();
}());
