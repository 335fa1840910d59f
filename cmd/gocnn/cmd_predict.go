package main

func init() {
	register(&command{name: "predict", short: "(predict: not built yet)", run: notBuilt("predict")})
}
