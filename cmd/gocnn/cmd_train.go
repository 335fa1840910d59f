package main

func init() {
	register(&command{name: "train", short: "(train: not built yet)", run: notBuilt("train")})
}
