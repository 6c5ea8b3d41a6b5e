package graphql

import (
	"github.com/google/uuid"

	"gotaegis/emulator/nlsearch"
)

// nlSearch answers nlSearchV2 with the emulator's translator. Each answer gets a fresh id,
// as the service gives one per translation for feedback; the translation itself depends
// only on the request. A request that cannot be translated is an answer without ql, not a
// GraphQL error, as the service answers it.
func (r *Resolver) nlSearch(in NLSearchInputsV2) *NLSearchOutputV2 {
	tr := nlsearch.Translate(deref(in.Query))
	out := &NLSearchOutputV2{ID: ptr(uuid.NewString()), Reason: ptr(tr.Reason),
		Status: ptr(NLSearchStatus(tr.Status))}
	if tr.QL != "" {
		out.Ql = ptr(tr.QL)
	}
	for _, t := range tr.Types {
		out.Types = append(out.Types, ptr(t))
	}
	return out
}
