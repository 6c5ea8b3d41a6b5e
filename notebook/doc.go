// Package notebook reads, writes, validates, converts, creates and lints hunting notebooks.
//
// A notebook is held as a [Notebook]: nbformat 4 (https://nbformat.readthedocs.io) with every
// field the model does not name kept, so a read and a write lose nothing. Notebooks are read
// from nbformat JSON (.ipynb) or from MyST markdown as jupytext writes it (.md), and written to
// either: nbformat JSON in nbformat's own layout, MyST without outputs, as jupytext does.
// [Notebook.Validate] and [ValidateJSON] check a notebook against the rules of the nbformat
// 4.0-4.5 schemas, as nbformat's own validator applies them. [Starter] builds a starter hunting
// procedure and a [Linter] checks procedures against the built-in rules and a team's own rules
// ([LoadRules]).
//
// [Execute] runs a notebook as papermill does, on a kernel started from its kernelspec and
// driven by the Go Jupyter client; [Fanout] runs one procedure per tenant, several at once,
// and writes a summary; [Report] turns an executed notebook into the markdown of an
// investigation's key findings; [CacheList] lists the %taegis results a notebook caches. The
// runs of a fan-out share one request rate per region: a [RateProxy] in front of region
// local's emulator, or a [RateGate] that the kernels ask before each request to another
// region (see [RateGateEnv]).
package notebook
