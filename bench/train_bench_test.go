package bench

import "testing"

// BenchmarkTrainCIFAR runs the CIFAR-style VGG16-BN training step at 32x32,
// batch 64, for profiling (go test -bench TrainCIFAR -cpuprofile).
func BenchmarkTrainCIFAR(b *testing.B) {
	for range b.N {
		if _, err := RunTrain(TrainConfig{Arch: "vgg16_bn", Size: 32, Batch: 64, Channels: 1, Outputs: 10, Warmup: 1, Reps: 6}); err != nil {
			b.Fatal(err)
		}
	}
}
