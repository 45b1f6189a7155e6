"""The academic council's resolution (ТОКТОМ) on a session's report: its models, its text in any
language and its life (services), its forms, pages and URLs (/resolutions/), its DOCX and PDF
(documents), the PDF as a background job (jobs) and its admin."""
