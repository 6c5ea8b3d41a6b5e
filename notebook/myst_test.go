package notebook

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sameContent compares what MyST keeps: cell types, sources and metadata, notebook metadata.
func sameContent(t *testing.T, got, want *Notebook) {
	t.Helper()
	if !reflect.DeepEqual(got.Metadata, want.Metadata) {
		t.Errorf("notebook metadata:\n got %#v\nwant %#v", got.Metadata, want.Metadata)
	}
	if len(got.Cells) != len(want.Cells) {
		t.Fatalf("%d cells, want %d", len(got.Cells), len(want.Cells))
	}
	for i := range want.Cells {
		g, w := got.Cells[i], want.Cells[i]
		if g.Type != w.Type || g.Source != w.Source {
			t.Errorf("cell %d: %s %q, want %s %q", i+1, g.Type, g.Source, w.Type, w.Source)
		}
		if !reflect.DeepEqual(g.Metadata, w.Metadata) {
			t.Errorf("cell %d metadata:\n got %#v\nwant %#v", i+1, g.Metadata, w.Metadata)
		}
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n%s", path, firstDiff(got, want))
	}
}

// TestIPYNBToMySTAndBack converts the golden notebook to MyST (checked against its golden
// file) and back: sources, types, tags and metadata survive; outputs do not, as in jupytext.
func TestIPYNBToMySTAndBack(t *testing.T) {
	nb, err := Read("testdata/myst/procedure.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	md, err := nb.MarshalMyST()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/myst/procedure.md", md)

	back, err := ParseMyST(md)
	if err != nil {
		t.Fatal(err)
	}
	sameContent(t, back, nb)
	for _, c := range back.Cells {
		if len(c.Outputs) != 0 || c.ExecutionCount != nil {
			t.Errorf("cell %s kept outputs or a count through MyST", c.ID)
		}
	}
	if err := back.Validate(); err != nil {
		t.Errorf("notebook read from MyST is not valid: %v", err)
	}
}

// TestMySTToIPYNBAndBack reads MyST as jupytext writes it, checks the notebook against its
// golden ipynb and writes MyST again: the same text but for the jupytext version.
func TestMySTToIPYNBAndBack(t *testing.T) {
	for _, name := range []string{"jupytext", "procedure"} {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata/myst", name+".md"))
			if err != nil {
				t.Fatal(err)
			}
			nb, err := Read(filepath.Join("testdata/myst", name+".md"))
			if err != nil {
				t.Fatal(err)
			}
			ipynb, err := nb.MarshalIPYNB()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata/myst", name+".md.ipynb"), ipynb)

			fromJSON, err := Parse(ipynb, FormatIPYNB)
			if err != nil {
				t.Fatal(err)
			}
			again, err := fromJSON.MarshalMyST()
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Replace(string(src), "jupytext_version: 1.16.1",
				"jupytext_version: "+jupytextVersion, 1)
			if string(again) != want {
				t.Errorf("MyST -> ipynb -> MyST changed the text:\n%s",
					firstDiff(again, []byte(want)))
			}
		})
	}
}

func TestParseMySTLayout(t *testing.T) {
	nb, err := Read("testdata/myst/jupytext.md")
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, c := range nb.Cells {
		types = append(types, c.Type)
	}
	want := []string{"markdown", "markdown", "code", "code", "markdown", "raw"}
	if !reflect.DeepEqual(types, want) {
		t.Fatalf("cell types %v, want %v", types, want)
	}
	if got := nb.Cells[2].Tags(); !reflect.DeepEqual(got, []string{"parameters", "remove_cell"}) {
		t.Errorf("parameters cell tags = %v", got)
	}
	if nb.Cells[2].Source != `TENANT_ID := "11111"` {
		t.Errorf("parameters source = %q", nb.Cells[2].Source)
	}
	if got := nb.Cells[1].Tags(); !reflect.DeepEqual(got, []string{"intro"}) {
		t.Errorf("+++ metadata tags = %v", got)
	}
	if _, ok := nb.Metadata["jupytext"]; ok {
		t.Errorf("jupytext text_representation kept in the metadata: %v", nb.Metadata)
	}
	if ks := nb.Metadata["kernelspec"].(map[string]any); ks["name"] != "gotaegis" {
		t.Errorf("kernelspec = %v", ks)
	}
}

func TestParseMySTErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unclosed front matter", "---\nkernelspec: {}\n", "no closing ---"},
		{"bad front matter", "---\n: [\n---\n", "front matter"},
		{"front matter a list", "---\n- a\n---\n", "YAML mapping"},
		{"bad +++ metadata", "a\n\n+++ {nope}\n\nb\n", "line 3"},
		{"bad options", "```{code-cell} go\n:tags: [\n\nx\n```\n", "code cell at line 1"},
		{"unclosed options block", "```{code-cell} go\n---\ntags: [a]\n```\n", "no closing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMyST([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestWriteMySTRejectsUnknownCellTypes(t *testing.T) {
	nb := New()
	nb.Cells = []*Cell{{Type: "heading", Source: "x"}}
	if _, err := nb.MarshalMyST(); err == nil || !strings.Contains(err.Error(), "heading") {
		t.Errorf("error = %v", err)
	}
}

// FuzzReadMyST checks that any text either fails to parse with an error or gives a notebook
// whose MyST reads back to the same cells and metadata.
func FuzzReadMyST(f *testing.F) {
	for _, p := range []string{"testdata/myst/jupytext.md", "testdata/myst/procedure.md"} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("+++ {\"a\": 1}\n\n```{raw-cell}\n---\n---\n```\n"))
	f.Add([]byte("````{code-cell} go\n```\n````\n~~~\n+++\n~~~\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		nb, err := ParseMyST(data)
		if err != nil {
			return
		}
		out, err := nb.MarshalMyST()
		if err != nil {
			t.Fatalf("a notebook read from MyST does not write back: %v", err)
		}
		again, err := ParseMyST(out)
		if err != nil {
			t.Fatalf("written MyST does not read back: %v\n%s", err, out)
		}
		if len(again.Cells) != len(nb.Cells) {
			t.Fatalf("%d cells became %d:\n%s", len(nb.Cells), len(again.Cells), out)
		}
		for i, c := range nb.Cells {
			g := again.Cells[i]
			if g.Type != c.Type || g.Source != c.Source {
				t.Fatalf("cell %d: %s %q became %s %q:\n%s", i+1, c.Type, c.Source, g.Type,
					g.Source, out)
			}
			if !reflect.DeepEqual(g.Metadata, c.Metadata) {
				t.Fatalf("cell %d metadata %#v became %#v:\n%s", i+1, c.Metadata, g.Metadata,
					out)
			}
		}
		if !reflect.DeepEqual(again.Metadata, nb.Metadata) {
			t.Fatalf("notebook metadata %#v became %#v:\n%s", nb.Metadata, again.Metadata, out)
		}
	})
}
