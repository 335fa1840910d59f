// Command gocnn is the one command-line tool of gocnn: training, evaluation,
// prediction, the data doctor, weight conversion and benchmarks.
//
// Each subcommand lives in its own file (cmd_<name>.go) as a function that
// takes its arguments and returns the process exit status; this file holds
// only the table that dispatches to them and the shared help.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// command is one subcommand of gocnn.
type command struct {
	name  string
	short string                  // one line for the overview
	run   func(args []string) int // returns the exit status
}

// commands is the dispatch table; every cmd_<name>.go registers itself here
// in an init function through register.
var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

func usage() {
	fmt.Fprint(os.Stderr, `gocnn is a pure-Go CNN engine: VGG training with built-in class-imbalance
handling, PyTorch weight import, and SIMD kernels.

Usage:

	gocnn <command> [arguments]

The commands are:

`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "\t%-10s %s\n", n, commands[n].short)
	}
	fmt.Fprint(os.Stderr, "\nUse \"gocnn <command> -h\" for more information about a command.\n")
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		usage()
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run([]string{"-h"})
			}
		}
		usage()
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "gocnn %s: unknown command\nRun 'gocnn help' for usage.\n", name)
		return 2
	}
	return c.run(args[1:])
}

// fail prints a command's error with an optional hint and returns status 1.
func fail(cmd string, err error, hint string) int {
	fmt.Fprintf(os.Stderr, "gocnn %s: %v\n", cmd, err)
	if hint != "" {
		fmt.Fprintf(os.Stderr, "hint: %s\n", strings.TrimSpace(hint))
	}
	return 1
}
