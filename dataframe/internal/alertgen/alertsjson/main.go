// Command alertsjson writes deterministic alert-like records as JSON, the input of the
// dataframe benchmarks and of scripts/bench_pandas.py.
//
//	go run ./dataframe/internal/alertgen/alertsjson -n 100000 -o alerts.json
package main

import (
	"flag"
	"fmt"
	"os"

	"gotaegis/dataframe/internal/alertgen"
)

func main() {
	n := flag.Int("n", 100000, "number of records")
	out := flag.String("o", "-", "output file (- for standard output)")
	flag.Parse()
	if *n < 0 {
		fmt.Fprintln(os.Stderr, "alertsjson: -n must be 0 or more")
		os.Exit(2)
	}
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "alertsjson:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	if err := alertgen.Write(w, *n); err != nil {
		fmt.Fprintln(os.Stderr, "alertsjson:", err)
		os.Exit(1)
	}
}
