package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"gotaegis/dataframe"
)

func init() {
	root.AddCommand(newDataframeCmd())
}

// newDataframeCmd builds "gotaegis dataframe": records in a JSON file flattened into a table,
// as the %taegis magics flatten results, and printed in one of the table formats.
func newDataframeCmd() *cobra.Command {
	var (
		to       string
		head     int
		maxLevel int
	)
	cmd := &cobra.Command{
		Use:   "dataframe FILE.json",
		Short: "Flatten JSON records into a table and print it as HTML, CSV, JSON, markdown or text",
		Long: `Flatten the records in FILE.json (an array of objects, one object, or JSON lines;
"-" reads standard input) the way the %taegis magics do, which is the way
pandas.json_normalize(records, max_level=3).dropna(how="all", axis=1) does: nested
objects become columns such as metadata.created_at.seconds, lists and deeper objects stay
as JSON text, columns without a value are dropped. Then print the table.

Examples:
  gotaegis alerts search --cell 'FROM alert EARLIEST=-1d' > alerts.json
  gotaegis dataframe alerts.json --head 20
  gotaegis dataframe alerts.json --to csv > alerts.csv
  gotaegis dataframe alerts.json --to html --head 50 > alerts.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := dataframe.ParseFormat(to)
			if err != nil {
				return fmt.Errorf("dataframe: %w", err)
			}
			if head < 0 {
				return fmt.Errorf("dataframe: --head %d: give 0 for all rows or a positive count",
					head)
			}
			if maxLevel < 0 {
				return fmt.Errorf("dataframe: --max-level %d: give 0 or more", maxLevel)
			}
			var in io.Reader = cmd.InOrStdin()
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return fmt.Errorf("dataframe: %w", err)
				}
				defer f.Close()
				in = f
			}
			t, err := dataframe.ReadTable(in, dataframe.MaxLevel(maxLevel))
			if err != nil {
				return fmt.Errorf("dataframe: %s: %w", args[0], err)
			}
			opts := dataframe.RenderOptions{Head: head}
			if err := t.Render(cmd.OutOrStdout(), format, opts); err != nil {
				return fmt.Errorf("dataframe: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "text", "output format: html, csv, json, markdown or text")
	cmd.Flags().IntVar(&head, "head", 0, "print only the first N rows (0 prints all)")
	cmd.Flags().IntVar(&maxLevel, "max-level", 3, "levels of nested objects flattened into columns")
	return cmd
}
