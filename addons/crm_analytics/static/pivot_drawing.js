/* The measures and drawings of the pivot page (crm_analytics): PivotTable.js
 * aggregators over the groups the database counted, and its renderers
 * (tables, heat maps, billboard.js charts) with Russian names.
 *
 * CrmPivotDrawing(describe, drawn): describe is crm.analytics.fact's
 * describe(); drawn(pivotData) is told what each renderer draws (the page
 * exports it).
 */
window.CrmPivotDrawing = function (describe, drawn) {
    'use strict';
    var $ = window.jQuery;
    var TOTAL = 'Итого';

    // -- numbers ----------------------------------------------------------

    var integer = new Intl.NumberFormat('ru-RU', {maximumFractionDigits: 0});
    var decimal = new Intl.NumberFormat('ru-RU', {maximumFractionDigits: 2});

    function round(value) {
        return value === null || value === undefined || !isFinite(value) ?
            null : Math.round(value * 100) / 100;
    }

    function formatter(name) {
        var ratios = describe.ratios;
        var whole = !(name in ratios) && name !== 'close_hours';
        return function (value) {
            if (value === null || value === undefined || !isFinite(value)) {
                return '';
            }
            return (whole ? integer : decimal).format(value);
        };
    }

    // A measure over groups: the sum of its sum, or a ratio of two sums
    function aggregator(name) {
        var ratio = describe.ratios[name];
        var format = formatter(name);
        return function () {
            return function () {
                var numerator = 0, denominator = 0;
                return {
                    push: function (record) {
                        if (ratio) {
                            numerator += record[ratio[0]] || 0;
                            if (ratio[1]) {
                                denominator += record[ratio[1]] || 0;
                            }
                        } else {
                            numerator += record[name] || 0;
                        }
                    },
                    value: function () {
                        if (!ratio) {
                            return numerator;
                        }
                        if (ratio[1]) {
                            return denominator ?
                                numerator / denominator * ratio[2] : null;
                        }
                        return numerator * ratio[2];
                    },
                    format: format,
                    numInputs: 0
                };
            };
        };
    }

    function aggregators() {
        var result = {};
        describe.measures.forEach(function (measure) {
            result[measure[1]] = aggregator(measure[0]);
        });
        return result;
    }

    function measureName(title) {
        var found = describe.measures.filter(function (m) {
            return m[1] === title;
        });
        return found.length ? found[0][0] : 'count';
    }

    // -- drawing ----------------------------------------------------------

    function keepPivotData(renderer) {
        return function (pivotData, options) {
            drawn(pivotData);
            return renderer(pivotData, options);
        };
    }

    function label(key) {
        return key.length ? key.join(' / ') : TOTAL;
    }

    // A chart of billboard.js (the web client's own charts): the columns'
    // values along the axis, one series per row (as PivotTable's charts)
    function chart(type, stacked) {
        return function (pivotData) {
            var element = document.createElement('div');
            element.className = 'pv-chart';
            var rowKeys = pivotData.getRowKeys();
            var colKeys = pivotData.getColKeys();
            var format = formatter(measureName(pivotData.aggregatorName));
            var series, categories, columns;
            if (type === 'pie') {
                columns = (rowKeys.length ? rowKeys : [[]]).map(function (r) {
                    return [label(r),
                        round(pivotData.getAggregator(r, []).value())];
                });
                categories = [];
            } else {
                var xKeys = colKeys.length ? colKeys : rowKeys;
                var seriesKeys = colKeys.length ? rowKeys : [];
                categories = (xKeys.length ? xKeys : [[]]).map(label);
                series = seriesKeys.length ? seriesKeys : [[]];
                columns = series.map(function (s) {
                    var name = s.length ? label(s) :
                        pivotData.aggregatorName;
                    return [name].concat((xKeys.length ? xKeys : [[]]).map(
                        function (x) {
                            var value = colKeys.length ?
                                pivotData.getAggregator(s, x).value() :
                                pivotData.getAggregator(x, []).value();
                            return round(value);
                        }));
                });
            }
            setTimeout(function () {
                // The room right of the drag and drop panels
                var width = Math.max(360, window.innerWidth -
                    element.getBoundingClientRect().left - 40);
                window.bb.generate({
                    bindto: element,
                    size: {width: width, height: 400},
                    data: {
                        columns: columns,
                        type: type,
                        groups: stacked ? [columns.map(function (c) {
                            return c[0];
                        })] : [],
                        order: null,
                        empty: {label: {text: 'Нет данных'}}
                    },
                    axis: {
                        x: {
                            type: 'category',
                            categories: categories,
                            tick: {
                                multiline: false,
                                autorotate: true,
                                culling: {max: 24}
                            }
                        },
                        y: {tick: {format: format}}
                    },
                    tooltip: {format: {value: format}},
                    pie: {label: {format: format}},
                    legend: {show: true}
                });
            }, 0);
            return element;
        };
    }

    // White to a light red: bold figures stay readable on the hottest
    // cells (PivotTable's own scale ends in pure red)
    function heatScale(values) {
        var finite = values.filter(function (v) { return isFinite(v); });
        var min = Math.min.apply(Math, finite);
        var max = Math.max.apply(Math, finite);
        return function (x) {
            var k = max > min ? (x - min) / (max - min) : 0;
            var other = Math.round(255 - 125 * k);
            return 'rgb(255,' + other + ',' + Math.round(other * 0.95) + ')';
        };
    }

    function renderers() {
        var built = $.pivotUtilities.renderers;
        var result = {
            'Таблица': built.Table,
            'Таблица с полосами': built['Table Barchart'],
            'Тепловая карта': built.Heatmap,
            'Тепловая карта по строкам': built['Row Heatmap'],
            'Тепловая карта по столбцам': built['Col Heatmap'],
            'Столбцы': chart('bar', false),
            'Столбцы с накоплением': chart('bar', true),
            'Линии': chart('line', false),
            'Области с накоплением': chart('area', true),
            'Круговая диаграмма': chart('pie', false)
        };
        Object.keys(result).forEach(function (name) {
            result[name] = keepPivotData(result[name]);
        });
        return result;
    }

    return {
        TOTAL: TOTAL,
        integer: integer,
        round: round,
        label: label,
        aggregators: aggregators,
        measureName: measureName,
        renderers: renderers,
        heatScale: heatScale
    };
};
