// Package display builds the MIME bundles a notebook cell shows (HTML, Markdown, JSON, SVG,
// PNG, JPEG, LaTeX, images) and publishes them while the cell runs.
//
// Cells use it without an import as display: display.HTML("<b>hi</b>") as a cell's last
// expression becomes its execute_result, and display.Show(x) publishes display_data at once,
// also inside loops. ShowID and Update replace an earlier output in place; Clear clears the
// cell's output. The bundle layout follows the Jupyter messaging specification's mime-bundle
// (https://jupyter-client.readthedocs.io/en/stable/messaging.html#display-data).
package display
