// Package symbols holds the yaegi symbol tables that let notebook cells use gota's dataframe
// and series packages and the %taegis result types (magics.Result, magics.Provenance) as if
// they were compiled in. The tables are generated; the kernel passes Symbols as
// kernel.EngineOptions.Exports.
package symbols

import "reflect"

//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/go-gota/gota/dataframe
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/go-gota/gota/series
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract gotaegis/magics

// Symbols are the tables, keyed "import/path/name" as yaegi's Use expects.
var Symbols = map[string]map[string]reflect.Value{}
