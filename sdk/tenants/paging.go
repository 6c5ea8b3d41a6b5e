package tenants

import (
	"context"
	"fmt"

	"gotaegis/sdk"
)

// maxPage is the largest page size TenantsAll asks for on its own.
const maxPage = 100

// TenantsAll lists the tenants that match q page by page, pageNum 1, 2, … (from q.PageNum
// when set), while hasMore is true, until limit are in (limit 0 or less means all of them).
// progress, when not nil, is called after each page with the tenants gathered so far and the
// total the server reported, capped at limit.
//
// A page that says there are more tenants but holds none ends paging with an error, as it
// would otherwise loop. When a page fails TenantsAll returns the tenants gathered before it
// with the error.
func (s *Service) TenantsAll(ctx context.Context, q TenantsQuery, limit int,
	progress func(got, total int), opts ...sdk.Option) ([]Tenant, error) {
	if q.MaxResults == nil {
		n := maxPage
		if limit > 0 {
			n = min(limit, maxPage)
		}
		q.MaxResults = &n
	}
	page := 1
	if q.PageNum != nil && *q.PageNum > 0 {
		page = *q.PageNum
	}
	var all []Tenant
	for {
		p := page
		q.PageNum = &p
		res, err := s.Tenants(ctx, q, opts...)
		if res != nil {
			all = append(all, res.Results...)
		}
		if err != nil {
			return capped(all, limit), fmt.Errorf("tenants: page %d: %w", page, err)
		}
		if progress != nil {
			progress(capN(limit, len(all)), capN(limit, res.GetTotalCount()))
		}
		if res == nil || !res.GetHasMore() || limit > 0 && len(all) >= limit {
			return capped(all, limit), nil
		}
		if len(res.Results) == 0 {
			return capped(all, limit), fmt.Errorf("tenants: page %d is empty but says there "+
				"are more tenants; stopping", page)
		}
		page++
	}
}

// capN returns n capped at limit, or n when there is no limit.
func capN(limit, n int) int {
	if limit > 0 {
		return min(n, limit)
	}
	return n
}

func capped(all []Tenant, limit int) []Tenant {
	if limit > 0 && len(all) > limit {
		return all[:limit]
	}
	return all
}
