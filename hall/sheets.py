"""Reports as Excel workbooks (openpyxl): one sheet per table, a title row, bold
headings and total, figures as numbers with their format, the heading row frozen.

A table has `title`, `headers`, `rows` and `total` (lists of cells, the total may be
None) and `widths`; a cell has `xlsx_value` and `number_format` (None for General).
The page, the PDF and the workbook of a report show the same cells.
"""

from __future__ import annotations

import io
import re


def sheet_title(text: str) -> str:
    """Excel refuses some characters in a sheet's name, and more than 31 of them."""
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def tables_workbook(tables, *, title: str = "", wrap_headers: bool = False):
    """A workbook with a sheet per table; the caller may add sheets, then `save_bytes`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(sheet_title(table.title))
        sheet.append([f"{title} · {table.title}" if title else table.title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(table.headers)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            if wrap_headers:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in [*table.rows, *([table.total] if table.total else [])]:
            sheet.append([cell.xlsx_value for cell in row])
            for xl_cell, cell in zip(sheet[sheet.max_row], row, strict=True):
                if cell.number_format:
                    xl_cell.number_format = cell.number_format
        if table.total:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for index, width in enumerate(table.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A3"
    return book


def save_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
