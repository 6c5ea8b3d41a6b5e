// Package symbols holds the yaegi symbol tables that let notebook cells use gota's dataframe
// and series packages and the %taegis result types (magics.Result, magics.Provenance) as if
// they were compiled in. The tables are generated (go generate); the kernel passes Symbols as
// kernel.EngineOptions.Exports and Imports as kernel.EngineOptions.Imports.
package symbols

import "reflect"

//go:generate -command extract go run github.com/traefik/yaegi/cmd/yaegi extract
//go:generate extract github.com/go-gota/gota/dataframe
//go:generate extract github.com/go-gota/gota/series
//go:generate extract -include ^(Result|Provenance|Hash|ResultVar|CellVar)$ gotaegis/magics

// Symbols are the tables, keyed "import/path/name" as yaegi's Use expects.
var Symbols = map[string]map[string]reflect.Value{}

// Imports are the packages cells use without an import statement: dataframe and series.
var Imports = []string{"github.com/go-gota/gota/dataframe", "github.com/go-gota/gota/series"}
