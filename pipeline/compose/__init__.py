"""Brief or pack to the block model: the templates, the Markdown they write, the theme."""
