"""The group summary sheet (сводная ведомость): its page, printout, workbook and upload."""
