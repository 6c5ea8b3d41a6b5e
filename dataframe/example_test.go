package dataframe_test

import (
	"fmt"
	"os"
	"strings"

	"gotaegis/dataframe"
)

func ExampleFromJSON() {
	records := `[
	 {"id": "a1", "metadata": {"title": "Mimikatz", "created_at": {"seconds": 1700000000}},
	  "event_ids": ["e1", "e2"], "risk": 3},
	 {"id": "a2", "metadata": {"title": "Password spray"}, "risk": null}
	]`
	df, err := dataframe.FromJSON(strings.NewReader(records))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(df.Names())
	fmt.Println(df.Col("metadata.created_at.seconds").Float())
	fmt.Println(df.Col("event_ids").Records())
	// Output:
	// [id event_ids risk metadata.title metadata.created_at.seconds]
	// [1.7e+09 NaN]
	// [["e1","e2"] NaN]
}

func ExampleTable_WriteText() {
	t, err := dataframe.ParseTable([]byte(`[{"host": {"name": "WS-01"}, "count": 2},
		{"host": {"name": "SRV-DC01"}, "count": 11}]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	more, _ := dataframe.ParseTable([]byte(`{"count": 5, "user": "alice"}`))
	t.Append(more)
	if err := t.WriteText(os.Stdout, dataframe.RenderOptions{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	//    count  host.name  user
	// 0      2  WS-01      NaN
	// 1     11  SRV-DC01   NaN
	// 2      5  NaN        alice
	//
	// [3 rows × 3 columns]
}
