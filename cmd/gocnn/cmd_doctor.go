package main

func init() {
	register(&command{name: "doctor", short: "(doctor: not built yet)", run: notBuilt("doctor")})
}
