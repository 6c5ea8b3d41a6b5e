package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

func open(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPutGetListDelete(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "state.db"))
	defer s.Close()

	tests := []struct {
		kind, tenant, id, data string
	}{
		{"investigation", "11111", "a", `{"title":"first"}`},
		{"investigation", "11111", "b", `{"title":"second"}`},
		{"investigation", "22222", "a", `{"title":"other tenant"}`},
		{"comment", "11111", "c1", `{"body":"hello"}`},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.tenant+"/"+tt.id, func(t *testing.T) {
			d, err := s.Put(ctx, tt.kind, tt.tenant, tt.id, []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if string(d.Data) != tt.data || d.ID != tt.id || d.Tenant != tt.tenant {
				t.Fatalf("put returned %+v", d)
			}
		})
	}

	list, err := s.List(ctx, "investigation", "11111")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != "a" || list[1].ID != "b" {
		t.Fatalf("list = %+v, want a then b", list)
	}
	all, err := s.List(ctx, "investigation", "")
	if err != nil || len(all) != 3 {
		t.Fatalf("list all = %d docs, %v; want 3", len(all), err)
	}

	// Replacing keeps the insertion order and the creation time.
	first := list[0]
	d, err := s.Put(ctx, "investigation", "11111", "a", []byte(`{"title":"renamed"}`))
	if err != nil {
		t.Fatal(err)
	}
	if d.Seq != first.Seq || !d.Created.Equal(first.Created) ||
		string(d.Data) != `{"title":"renamed"}` {
		t.Fatalf("replace changed identity: before %+v after %+v", first, d)
	}

	if err := s.Delete(ctx, "investigation", "11111", "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "investigation", "11111", "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get after delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "investigation", "11111", "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v, want ErrNotFound", err)
	}
}

func TestPutRejectsInvalidJSON(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "state.db"))
	defer s.Close()
	if _, err := s.Put(context.Background(), "x", "t", "1", []byte(`{"broken"`)); err == nil {
		t.Fatal("put accepted invalid JSON")
	}
}

func TestSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path)
	if _, err := s.Put(ctx, "rule", "11111", "r1", []byte(`{"enabled":false}`)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Next(ctx, "short-id/11111"); err != nil || n != 1 {
		t.Fatalf("counter = %d, %v; want 1", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	defer s.Close()
	d, err := s.Get(ctx, "rule", "11111", "r1")
	if err != nil {
		t.Fatal(err)
	}
	if string(d.Data) != `{"enabled":false}` {
		t.Fatalf("after reopen data = %s", d.Data)
	}
	if n, err := s.Next(ctx, "short-id/11111"); err != nil || n != 2 {
		t.Fatalf("counter after reopen = %d, %v; want 2", n, err)
	}
}

func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "state.db"))
	defer s.Close()

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Put(ctx, "comment", "t", fmt.Sprint(i), []byte(`{}`)); err != nil {
				errs <- err
			}
			if _, err := s.Next(ctx, "n"); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, _ := s.Next(ctx, "n"); n != 41 {
		t.Fatalf("counter = %d, want 41", n)
	}
}
