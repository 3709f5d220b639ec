"""Server-rendered pages (Jinja2); everything served ships with the package."""
