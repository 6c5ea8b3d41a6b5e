package dataframe

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"gotaegis/dataframe/internal/alertgen"
)

var alerts100k = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := alertgen.Write(&buf, 100000); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// BenchmarkFlatten100k flattens 100,000 alert-like records from JSON text into a Table.
func BenchmarkFlatten100k(b *testing.B) {
	data := alerts100k()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseTable(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDataFrame100k turns a Table of 100,000 alert-like records into a gota DataFrame.
func BenchmarkDataFrame100k(b *testing.B) {
	t, err := ParseTable(alerts100k())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if df := t.DataFrame(); df.Err != nil {
			b.Fatal(df.Err)
		}
	}
}

// BenchmarkRenderHTML50 renders the first 50 rows of 100,000 alert-like records as HTML.
func BenchmarkRenderHTML50(b *testing.B) {
	t, err := ParseTable(alerts100k())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := t.WriteHTML(io.Discard, RenderOptions{Head: 50}); err != nil {
			b.Fatal(err)
		}
	}
}
