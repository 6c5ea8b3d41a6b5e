package client_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"gotaegis/kernel"
	"gotaegis/kernel/client"
)

// Start a gotaegis kernel, run a cell while showing its output live, and shut it down.
func ExampleStart() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	c, err := client.Start(ctx, []string{"gotaegis", "kernel", "{connection_file}"},
		client.StartOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	res, err := c.Execute(ctx, `fmt.Println("hello")`, client.ExecuteOptions{
		OnMessage: func(m kernel.Message) { fmt.Println("iopub:", m.Header.MsgType) },
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(res.Status, " ", res.Stream("stdout"))

	if err := c.Shutdown(ctx, false); err != nil {
		log.Fatal(err)
	}
}

// Answer a cell's input requests, as a console does when the cell reads os.Stdin.
func ExampleClient_Execute_input() {
	ctx := context.Background()
	c, err := client.ConnectFile(ctx, "kernel-1234.json")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	res, err := c.Execute(ctx, "var tenant string\nfmt.Scanln(&tenant)\ntenant",
		client.ExecuteOptions{
			OnInput: func(prompt string, password bool) (string, error) {
				return "tenant-a", nil
			},
		})
	if err != nil {
		log.Fatal(err)
	}
	if data, ok := res.Result(); ok {
		fmt.Println(data["text/plain"])
	}
}
