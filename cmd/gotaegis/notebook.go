package main

import "github.com/spf13/cobra"

// notebookCmd is the parent of the notebook tools; each tool registers itself on it.
var notebookCmd = &cobra.Command{
	Use:   "notebook",
	Short: "Create, convert, lint, execute, fan out and report on hunting notebooks",
	Long: `Tools for hunting procedures kept as notebooks (.ipynb) or MyST markdown (.md).

Every notebook command reads either format.`,
}

func init() {
	root.AddCommand(notebookCmd)
}
