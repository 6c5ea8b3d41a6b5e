// Package notebook reads, writes, validates, converts, creates and lints hunting notebooks.
//
// A notebook is held as a [Notebook]: nbformat 4 (https://nbformat.readthedocs.io) with every
// field the model does not name kept, so a read and a write lose nothing. Notebooks are read
// from nbformat JSON (.ipynb) or from MyST markdown as jupytext writes it (.md), and written to
// either: nbformat JSON in nbformat's own layout, MyST without outputs, as jupytext does.
// [Validate] checks a notebook against the nbformat 4.0-4.5 schema's rules. [Starter] builds
// a starter hunting procedure and [Lint] checks procedures against the built-in rules and a
// team's own rules.
//
// Executing notebooks, fanning them out across tenants and reporting on them build on this
// package; they do not live in these files.
package notebook
