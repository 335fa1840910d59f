package main

func init() {
	register(&command{name: "search", short: "(search: not built yet)", run: notBuilt("search")})
}
