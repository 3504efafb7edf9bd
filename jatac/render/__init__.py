"""Documents from Jinja templates: Markdown, HTML, and PDF through Typst. Reads records, writes no case."""
