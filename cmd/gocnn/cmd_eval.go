package main

func init() {
	register(&command{name: "eval", short: "(eval: not built yet)", run: notBuilt("eval")})
}
