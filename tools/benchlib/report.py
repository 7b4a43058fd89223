"""Printing the figures: a line at a time, tables, percentiles."""


def out(text=''):
    print(text, flush=True)


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float('nan')
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def table(headers, rows, aligns=None):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows))
        for i, h in enumerate(headers)]
    aligns = aligns or ['<'] + ['>'] * (len(headers) - 1)

    def line(cells):
        return '  '.join(f'{str(c):{a}{w}}'
            for c, a, w in zip(cells, aligns, widths))
    out('  ' + line(headers))
    out('  ' + '  '.join('-' * w for w in widths))
    for row in rows:
        out('  ' + line(row))
