package tenants4

import (
	"context"
	"fmt"

	"gotaegis/sdk"
)

// maxPage is the largest page size TenantsAll asks for on its own.
const maxPage = 100

// TenantsAll lists the tenants that match q page by page: each page starts after the previous
// page's cursorPos, until hasMore is false or limit are in (limit 0 or less means all of
// them). progress, when not nil, is called after each page with the tenants gathered so far
// and the total the server reported, capped at limit.
//
// A server that answers hasMore with a cursor it already gave would page forever; TenantsAll
// stops with an error then. When a page fails it returns the tenants gathered before it with
// the error.
func (s *Service) TenantsAll(ctx context.Context, q TenantsQuery, limit int,
	progress func(got, total int), opts ...sdk.Option) ([]TenantV4, error) {
	if q.Count == nil && limit > 0 {
		n := min(limit, maxPage)
		q.Count = &n
	}
	var all []TenantV4
	seen := map[string]bool{}
	for page := 1; ; page++ {
		res, err := s.Tenants(ctx, q, opts...)
		if res != nil {
			all = append(all, res.Tenants...)
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
		cursor := res.GetCursorPos()
		if cursor == "" || seen[cursor] {
			return capped(all, limit), fmt.Errorf("tenants: page %d says there are more "+
				"tenants but gives no new cursor (%q); stopping", page, cursor)
		}
		seen[cursor] = true
		q.AfterCursor = &cursor
	}
}

// capN returns n capped at limit, or n when there is no limit.
func capN(limit, n int) int {
	if limit > 0 {
		return min(n, limit)
	}
	return n
}

func capped(all []TenantV4, limit int) []TenantV4 {
	if limit > 0 && len(all) > limit {
		return all[:limit]
	}
	return all
}
