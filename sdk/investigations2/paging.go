package investigations2

import (
	"context"
	"fmt"

	"gotaegis/sdk"
)

// defaultPerPage is the page size InvestigationsAll asks for when the arguments set none.
const defaultPerPage = 100

// InvestigationsAll lists the investigations that match args page by page, from args.Page (1
// when unset), until totalCount are in, a page comes back empty, or limit are in (limit 0 or
// less means all of them). progress, when not nil, is called after each page with the
// investigations gathered so far and the total the server reported, capped at limit.
//
// It returns the investigations, the server's totalCount and, when a page fails, the
// investigations gathered before it with the error.
func (s *Service) InvestigationsAll(ctx context.Context, args InvestigationsV2Arguments,
	limit int, progress func(got, total int), opts ...sdk.Option) ([]InvestigationV2, int, error) {
	page := 1
	if args.Page != nil && *args.Page > 0 {
		page = *args.Page
	}
	if args.PerPage == nil {
		n := defaultPerPage
		if limit > 0 && limit < n {
			n = limit
		}
		args.PerPage = &n
	}
	var all []InvestigationV2
	total := 0
	for {
		p := page
		args.Page = &p
		res, err := s.InvestigationsV2(ctx, args, opts...)
		if res != nil {
			total = res.TotalCount
			all = append(all, res.Investigations...)
		}
		if err != nil {
			return capped(all, limit), total, fmt.Errorf("investigations: page %d: %w", page, err)
		}
		if progress != nil {
			progress(cap0(limit, len(all)), cap0(limit, total))
		}
		if res == nil || len(res.Investigations) == 0 || len(all) >= total ||
			limit > 0 && len(all) >= limit {
			return capped(all, limit), total, nil
		}
		page++
	}
}

// cap0 returns n capped at limit, or n when there is no limit.
func cap0(limit, n int) int {
	if limit > 0 {
		return min(n, limit)
	}
	return n
}

func capped(all []InvestigationV2, limit int) []InvestigationV2 {
	if limit > 0 && len(all) > limit {
		return all[:limit]
	}
	return all
}
