package assets2

import (
	"context"
	"fmt"

	"gotaegis/sdk"
)

// defaultFirst is the page size AssetsAll asks for when the arguments set none.
const defaultFirst = 100

// AssetsAll lists the assets that match args page by page with relay cursors: each page
// starts after the previous page's pageInfo.endCursor, until pageInfo.hasNextPage is false or
// limit are in (limit 0 or less means all of them). progress, when not nil, is called after
// each page with the assets gathered so far and the total the server reported, capped at
// limit. Paging goes forward only, so args.Last and args.Before are not allowed.
//
// A server that answers hasNextPage with a cursor it already gave would page forever;
// AssetsAll stops with an error then. When a page fails it returns the assets gathered
// before it with the error.
func (s *Service) AssetsAll(ctx context.Context, args AssetsV2Args, limit int,
	progress func(got, total int), opts ...sdk.Option) ([]AssetV2, error) {
	if args.Last != nil || args.Before != nil {
		return nil, fmt.Errorf("assets: AssetsAll pages forward; leave Last and Before unset " +
			"(call AssetsV2 to page backward)")
	}
	if args.First == nil {
		n := defaultFirst
		if limit > 0 && limit < n {
			n = limit
		}
		args.First = &n
	}
	var all []AssetV2
	seen := map[string]bool{}
	for page := 1; ; page++ {
		res, err := s.AssetsV2(ctx, args, opts...)
		if res != nil {
			all = append(all, res.Assets...)
		}
		if err != nil {
			return capped(all, limit), fmt.Errorf("assets: page %d: %w", page, err)
		}
		if progress != nil {
			progress(capN(limit, len(all)), capN(limit, res.GetTotalCount()))
		}
		info := res.GetPageInfo()
		if !info.GetHasNextPage() || limit > 0 && len(all) >= limit {
			return capped(all, limit), nil
		}
		cursor := info.GetEndCursor()
		if cursor == "" || seen[cursor] {
			return capped(all, limit), fmt.Errorf("assets: page %d says there is a next page "+
				"but gives no new end cursor (%q); stopping", page, cursor)
		}
		seen[cursor] = true
		args.After = &cursor
	}
}

// capN returns n capped at limit, or n when there is no limit.
func capN(limit, n int) int {
	if limit > 0 {
		return min(n, limit)
	}
	return n
}

func capped(all []AssetV2, limit int) []AssetV2 {
	if limit > 0 && len(all) > limit {
		return all[:limit]
	}
	return all
}
