package main

func init() {
	register(&command{name: "convert", short: "(convert: not built yet)", run: notBuilt("convert")})
}
