package magics

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
	"gotaegis/sdk/threat"
)

func (t *tree) threatGroup() *cobra.Command {
	return group("threat", "Read Secureworks threat intelligence",
		group("publications", "Threat intelligence publications",
			t.publications("latest SIZE", "The latest publications"),
			t.publications("search TERM", "Publications that match a search term")))
}

// publications builds threat publications latest and threat publications search.
func (t *tree) publications(use, short string) *cobra.Command {
	var s scope
	var size int
	latest := strings.HasPrefix(use, "latest")
	c := &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1)}
	addRegion(c, &s)
	if !latest {
		c.Flags().IntVar(&size, "size", 0, "the most publications to return; 0: the server's")
	}
	return t.leaf(c, "threat", func(ctx context.Context, r *Result, args []string) error {
		if latest {
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 1 {
				return fmt.Errorf("SIZE %q: give how many publications, e.g. 10", args[0])
			}
			size = n
		}
		r.Provenance.Query = "threat publications " + use[:strings.Index(use, " ")] + " " +
			args[0]
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			svc := threat.New(c)
			from := 0
			var sz *int
			if size > 0 {
				sz = &size
			}
			var res *threat.ThreatPublications
			var err error
			if latest {
				res, err = svc.ThreatLatestPublications(ctx, &from, sz)
			} else {
				res, err = svc.ThreatPublicationsSearch(ctx, args[0], &from, sz)
			}
			if err != nil {
				return part{err: err}
			}
			recs, err := records(res.GetPublications())
			p := part{records: recs, total: res.GetTotalResults(), pages: 1, err: err,
				untagged: true}
			p.truncated = p.total > len(recs)
			return p
		})
	})
}
