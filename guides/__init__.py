"""Help guides under /aide/: one Markdown file per guide and language (guides/content/<lang>/),
rendered, sanitised and cached in-process (content.py); the rules they state are read from the
code's thresholds (rules.py); every page links to its guide's section through one mapping
(links.py, the ``{% help_link %}`` tag)."""
