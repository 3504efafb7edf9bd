"""The partnership's static site: what partners who never open a terminal see.

``jatac site`` writes plain HTML pages from the case repository (the home page with
the coming meetings and overdue actions, a page per agency, per case and per
meeting, the charts) and a search that runs in the browser. Every page is built
for one audience, decided by jatac/guard/audience.py as every other output is: a
wide site holds no withheld case, redacts every mention of one, and says how many
it left out; every page carries its marking. Pages are rendered with the sandboxed,
escaping Jinja environment of jatac/render/ from templates/site/, and only pages
whose content changed are rendered again.

May import every room below it (models, storage, guard, render, cases, partnership,
meetings); it only reads the repository and writes the site's own folder.
"""
