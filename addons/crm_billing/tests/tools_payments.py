"Registry files for the payments tests, built as the banks write them."
import io

from trytond.pool import Pool


def sberbank_line(date, account, amount, payer='Иванов Иван Иванович',
        operation='100000000001', address='г. Пермь, ул. Северная, 1'):
    """A line of Sberbank's e-registry: date; time; branch; cashier;
    operation number; account; payer; address; period; amount; amount
    transferred; commission"""
    return ';'.join([date, '10:15:30', '8614', '8614/0001', operation,
            account, payer, address, '012026', amount, amount, '0,00'])


def sberbank_file(lines, total=None):
    "The registry's bytes in Windows-1251, with its «=» totals line"
    text = '\r\n'.join(lines + [f'={len(lines)};{total or "0,00"};;'])
    return (text + '\r\n').encode('cp1251')


def sberbank_format():
    "The preset of billing's XML data"
    pool = Pool()
    Format = pool.get('crm.payment.registry.format')
    ModelData = pool.get('ir.model.data')
    return Format(ModelData.get_id('crm_billing', 'registry_format_sberbank'))


def xlsx_file(rows):
    "An Excel workbook whose first sheet holds the rows"
    from openpyxl import Workbook
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()
