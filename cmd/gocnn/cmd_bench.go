package main

func init() {
	register(&command{name: "bench", short: "(bench: not built yet)", run: notBuilt("bench")})
}
