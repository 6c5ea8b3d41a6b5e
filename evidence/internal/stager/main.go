// Command stager stages the records of a JSON file into an evidence database a few records
// at a time, one transaction per chunk, and prints what it added as JSON. The evidence
// package's tests start several of them on one file at once to check that concurrent
// processes lose nothing.
//
// Usage:
//
//	stager -db PATH -type TYPE [-tenant T] [-chunk N] [-track PREFIX] [-wait FILE] RECORDS.json
//
// With -wait it opens the database only once FILE exists, so that runs started one after
// another begin together.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"gotaegis/evidence"
)

// report is what one run prints.
type report struct {
	Added   int `json:"added"`
	Stages  int `json:"stages"`
	Tracked int `json:"tracked"`
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "stager:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("stager", flag.ContinueOnError)
	path := fs.String("db", "", "evidence database `path`")
	typ := fs.String("type", "events", "evidence `type` of every record")
	tenant := fs.String("tenant", "", "tenant of records without one")
	chunk := fs.Int("chunk", 10, "records per transaction")
	track := fs.String("track", "", "also track one search query per chunk, ids from `prefix`")
	wait := fs.String("wait", "", "start once this `file` exists")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *path == "" || *chunk < 1 {
		return fmt.Errorf("usage: stager -db PATH -type TYPE [-chunk N] RECORDS.json")
	}
	t, err := evidence.ParseType(*typ)
	if err != nil {
		return err
	}
	records, err := evidence.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	if *wait != "" {
		if err := waitFor(*wait); err != nil {
			return err
		}
	}
	db, err := evidence.Open(*path)
	if err != nil {
		return err
	}
	defer db.Close()

	ctx := context.Background()
	var rep report
	for start := 0; start < len(records); start += *chunk {
		end := min(start+*chunk, len(records))
		res, err := db.Stage(ctx, records[start:end], evidence.StageOptions{
			Type: t, Tenant: *tenant,
		})
		if err != nil {
			return err
		}
		rep.Added += res.Added
		rep.Stages++
		if *track != "" {
			added, err := db.Track(ctx, evidence.SearchQuery{
				ID:     fmt.Sprintf("%s-%d", *track, rep.Stages),
				Tenant: *tenant, Query: "FROM process",
			})
			if err != nil {
				return err
			}
			if added {
				rep.Tracked++
			}
		}
	}
	return json.NewEncoder(os.Stdout).Encode(rep)
}

// waitFor returns once path exists, or fails after a minute.
func waitFor(path string) error {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("%s did not appear within a minute", path)
}
