package magics

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
	"gotaegis/sdk/alertshistory"
)

func (t *tree) alertsHistory() *cobra.Command {
	var s scope
	var id, selection string
	c := &cobra.Command{
		Use:   "history",
		Short: "List every recorded version of one alert",
		Long: `history returns one row per recorded version of an alert, oldest first: its
creation, then each change to its resolution, severity or investigations. A row holds the
change's id, time and type (CREATE, UPDATE, RESOLVE, INVESTIGATE, ...) and the alert as it
stood right after, under alert.

With --tenant @MACRO every tenant the macro selects is asked; the alert's own tenant answers,
and an id no tenant knows is an error.`,
		Example: `  gotaegis alerts history --id alert://priv:event-filter:11772:1700000000000:abc
  %taegis alerts history --id $alert_id --assign versions`,
	}
	addScope(c, &s, true)
	c.Flags().StringVar(&id, "id", "", "the alert `ID`, alert://... (required)")
	c.Flags().StringVar(&selection, "graphql-output", "",
		"GraphQL `SELECTION` set to ask for instead of the default")
	return t.leaf(c, "alerts_history", func(ctx context.Context, r *Result, _ []string) error {
		id = strings.TrimSpace(id)
		if id == "" {
			return errors.New("no alert: give --id with the alert's id " +
				"(the id column of alerts search)")
		}
		var opts []sdk.Option
		if selection != "" {
			opts = append(opts, sdk.WithSelection(selection))
		}
		r.Provenance.Query = "alertHistoryByID(id: " + id + ")"
		many := strings.HasPrefix(s.tenant, "@") || strings.Contains(s.tenant, ",")
		var asked, missing atomic.Int64
		err := t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			asked.Add(1)
			list, err := alertshistory.New(c).AlertHistoryByID(ctx, id, opts...)
			if many && errors.Is(err, sdk.ErrNotFound) {
				// Across several tenants the alert lives in one: the others not knowing it
				// is the expected answer, not a failure.
				missing.Add(1)
				return part{pages: 1, total: 0}
			}
			if err != nil {
				return part{err: err, total: -1}
			}
			recs, err := records(list)
			return part{records: recs, total: len(recs), pages: 1, err: err}
		})
		if err != nil {
			return err
		}
		if n := asked.Load(); n > 0 && missing.Load() == n {
			return fmt.Errorf("alert %q not found in any of the %d tenants %s selects",
				id, n, s.tenant)
		}
		return nil
	})
}
